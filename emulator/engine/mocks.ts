// Programs under pulumi.runtime.setMocks, plus a "mini-engine": for each dynamic resource the program registers,
// load its serialized provider the way the host loads it and run configure -> check -> create in-process, so the
// program sees real outputs from the emulators without a Pulumi CLI.
import * as pulumi from "@pulumi/pulumi";
import { isSecretEnvelope, stripSecrets, structRoundTrip } from "./wire";

export type Props = Record<string, unknown>;

/** The subset of pulumi.dynamic.ResourceProvider the harness calls, untyped on purpose (it runs any provider). */
export interface LoadedProvider {
  configure?(req: { config: StackConfig }): Promise<void>;
  check?(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: { property: string; reason: string }[] }>;
  diff?(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces?: string[] }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  read?(id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update?(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  delete?(id: string, props: Props): Promise<void>;
}

/** What the host hands to configure(): un-namespaced keys resolve against the project, like the host's Config. */
export interface StackConfig {
  get(key: string): string | undefined;
  require(key: string): string;
}

export function stackConfig(raw: Record<string, string>, project: string): StackConfig {
  const get = (key: string) => raw[key.includes(":") ? key : `${project}:${key}`];
  return {
    get,
    require(key) {
      const v = get(key);
      if (v === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return v;
    },
  };
}

/**
 * Exactly what the host's getProvider() does with `__provider`. No filename is given to require-from-string, so a
 * `require` inside the closure resolves from process.cwd(): run it with the cwd a user's project would have.
 */
export function loadProvider(serialized: unknown): LoadedProvider {
  if (typeof serialized !== "string") throw new Error(`__provider must be a string, got ${typeof serialized}`);
  const requireFromString = require("require-from-string") as (code: string) => { handler(): LoadedProvider };
  return requireFromString(serialized).handler();
}

export interface RegisteredResource {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs in wire form: secrets are envelopes, `__provider` is the serialized closure (or an envelope of it). */
  inputs: Props;
  id?: string;
  /** The state the fake engine answered with. */
  state?: Props;
  /** Position in the run's event sequence when the program registered it, and when the engine answered. */
  registeredAt: number;
  answeredAt?: number;
}

export interface MockEngineOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** Run configure -> check -> create (check only in preview) through each dynamic resource's own closure. */
  miniEngine?: boolean;
  /** Stack config for configure() in mini-engine mode, namespaced ("avi-k8s:controller"). */
  config?: Record<string, string>;
  /** State for resources the mini-engine does not run (e.g. a Kubernetes Service); defaults to the inputs. */
  stateFor?: (r: RegisteredResource) => Props;
}

export interface MockRun<T> {
  result: T;
  resources: RegisteredResource[];
  /** A resource by name; throws when absent so a test fails with a clear message. */
  resource(name: string): RegisteredResource;
}

/** Checks the mini-engine refused, one "property: reason" line each (what `pulumi up` prints). */
export class CheckFailedError extends Error {
  constructor(
    readonly resource: string,
    readonly failures: { property: string; reason: string }[],
  ) {
    super(`check of ${resource} failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "CheckFailedError";
  }
}

const providers = new Map<string, Promise<LoadedProvider>>();

async function configured(serialized: string, options: MockEngineOptions): Promise<LoadedProvider> {
  const key = `${JSON.stringify(options.config ?? {})}\n${serialized}`;
  let p = providers.get(key);
  if (!p) {
    p = (async () => {
      const provider = loadProvider(serialized);
      await provider.configure?.({ config: stackConfig(options.config ?? {}, options.project ?? "project") });
      return provider;
    })();
    providers.set(key, p);
  }
  return p;
}

async function runDynamic(r: RegisteredResource, options: MockEngineOptions): Promise<{ id: string; state: Props }> {
  const wire = r.inputs.__provider;
  const serialized = isSecretEnvelope(wire) ? wire.value : wire;
  const provider = await configured(serialized as string, options);
  const news = stripSecrets<Props>(r.inputs);
  const checked = (await provider.check?.({}, news)) ?? {};
  if (checked.failures?.length) throw new CheckFailedError(r.name, checked.failures);
  const inputs = structRoundTrip<Props>({ ...(checked.inputs ?? news), __provider: serialized });
  if (options.preview) return { id: "", state: inputs };
  const created = await provider.create(inputs);
  return { id: created.id, state: structRoundTrip<Props>(created.outs ?? {}) };
}

/** Resolve any Input in a mocks test (Outputs resolve once the fake engine answered). */
export function settle<T>(v: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => {
    pulumi.output(v).apply((x) => {
      resolve(x as T);
      return x;
    });
  });
}

/**
 * Run `program` under mocks and wait until every resource it registered has been answered. Errors from the
 * mini-engine (check failures, controller errors) reject the returned promise, as `pulumi up` would fail.
 */
export async function runProgram<T>(
  program: () => T,
  options: MockEngineOptions = {},
): Promise<MockRun<pulumi.Unwrap<T>>> {
  const resources: RegisteredResource[] = [];
  const pending = new Set<Promise<unknown>>();
  const errors: unknown[] = [];
  let clock = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const r: RegisteredResource = {
          type: args.type,
          name: args.name,
          custom: args.custom ?? false,
          inputs: args.inputs,
          registeredAt: clock++,
        };
        resources.push(r);
        const answer = (async () => {
          if (options.miniEngine && r.type.startsWith("pulumi-nodejs:dynamic")) return runDynamic(r, options);
          return { id: options.preview ? "" : `${r.name}-id`, state: options.stateFor?.(r) ?? r.inputs };
        })().then(
          (res) => {
            r.id = res.id;
            r.state = res.state;
            r.answeredAt = clock++;
            return res;
          },
          (e) => {
            errors.push(e);
            throw e;
          },
        );
        pending.add(answer);
        answer.then(
          () => pending.delete(answer),
          () => pending.delete(answer),
        );
        return answer;
      },
      call(args) {
        return args.inputs;
      },
    },
    options.project ?? "project",
    options.stack ?? "dev",
    options.preview ?? false,
  );
  const value = program();
  // Component constructors register children asynchronously: wait until nothing new arrives.
  let seen = -1;
  while (seen !== resources.length || pending.size > 0) {
    seen = resources.length;
    await Promise.allSettled([...pending]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (errors.length > 0) throw errors[0];
  const result = (await settle(pulumi.output(value as pulumi.Input<T>))) as pulumi.Unwrap<T>;
  return {
    result,
    resources,
    resource(name) {
      const r = resources.find((x) => x.name === name);
      if (!r)
        throw new Error(`no resource named ${name} was registered (have: ${resources.map((x) => x.name).join(", ")})`);
      return r;
    },
  };
}
