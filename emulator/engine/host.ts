// A stand-in for the Pulumi engine in front of @pulumi/pulumi's own dynamic-provider host: the program the engine
// runs as the `pulumi-resource-pulumi-nodejs` plugin. It is spawned the way the engine spawns it (cwd = the project
// directory, PULUMI_CONFIG / PULUMI_NODEJS_PROJECT in the environment) and driven over gRPC with the stubs that ship
// in @pulumi/pulumi/proto, so Struct conversion, secret stripping and error mapping are the real ones.
import { type ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { type Json, stripSecrets } from "./wire";

export type Props = Record<string, unknown>;

export interface StartHostOptions {
  /** The project directory: `require` inside a serialized provider resolves from here. */
  cwd: string;
  /** The project name (PULUMI_NODEJS_PROJECT); configure() resolves un-namespaced keys against it. */
  project?: string;
  /** Stack config, namespaced ("avi-k8s:controller"); passed as PULUMI_CONFIG and, by configure(), as args. */
  config?: Record<string, string>;
  /** Extra environment; the host inherits this process's environment otherwise. */
  env?: NodeJS.ProcessEnv;
  /** Replace the inherited environment entirely (plus `env`) instead of extending it. */
  cleanEnv?: boolean;
  /** Another copy of cmd/dynamic-provider (e.g. the one installed in a consumer project). */
  hostScript?: string;
  stack?: string;
}

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The dynamic host never fills these; kept so a test can show it. */
  hasDetailedDiff: boolean;
}
export interface ReadResult {
  id: string;
  properties: Props;
  inputs?: Props;
}
export interface ResourceRef {
  type: string;
  name: string;
}

/** A failed call, with what the host said; `initFailed` is set for partial failures (the object exists). */
export class HostCallError extends Error {
  constructor(
    readonly method: string,
    readonly details: string,
    readonly code: number,
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(`${method} failed in the dynamic-provider host: ${details}`);
    this.name = "HostCallError";
  }
}

export interface ProviderHost {
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the host wrote to stderr so far (provider errors are logged there). */
  stderr(): string;
  stdout(): string;
  getPluginInfo(): Promise<string>;
  /** What the engine sends first; for the default provider the args are the stack config. */
  configure(args?: Record<string, string>): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }>;
  check(r: ResourceRef & { olds?: Props; news: Props }): Promise<CheckResult>;
  diff(r: ResourceRef & { id: string; olds: Props; news: Props; oldInputs?: Props }): Promise<DiffResult>;
  create(r: ResourceRef & { properties: Props; preview?: boolean }): Promise<{ id: string; properties: Props }>;
  read(r: ResourceRef & { id: string; properties?: Props; inputs?: Props }): Promise<ReadResult>;
  update(r: ResourceRef & { id: string; olds: Props; news: Props; oldInputs?: Props }): Promise<{ properties: Props }>;
  delete(r: ResourceRef & { id: string; properties: Props; oldInputs?: Props }): Promise<void>;
  stop(): Promise<void>;
}

/** The values a Struct can carry (the engine never sends undefined), with secrets stripped as the engine does. */
function toStruct(v: Props | undefined): structproto.Struct {
  const plain = stripSecrets<Props>(JSON.parse(JSON.stringify(v ?? {})));
  return structproto.Struct.fromJavaScript(plain as Record<string, structproto.JavaScriptValue>);
}
function fromStruct(s: structproto.Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

function initFailure(err: grpc.ServiceError): HostCallError["initFailed"] {
  const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!bin || typeof bin === "string") return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: d.getId(), properties: fromStruct(d.getProperties()), reasons: d.getReasonsList() };
  }
  return undefined;
}

function firstLine(proc: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        proc.stdout?.off("data", onData);
        proc.off("exit", onExit);
        resolve(buf.slice(0, nl).trim());
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the dynamic-provider host exited (${code}): ${stderr()}`));
    proc.stdout?.on("data", onData);
    proc.once("exit", onExit);
  });
}

export async function startProviderHost(options: StartHostOptions): Promise<ProviderHost> {
  const project = options.project ?? "avi-k8s-test";
  const hostScript = options.hostScript ?? require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  const base = options.cleanEnv ? { PATH: process.env.PATH ?? "" } : process.env;
  const proc = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
    cwd: options.cwd,
    env: {
      ...base,
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_PROJECT: project,
      PULUMI_NODEJS_STACK: options.stack ?? "dev",
      PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const port = Number(await firstLine(proc, () => stderr));
  proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  function call<Req, Res>(method: string, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (
        client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>
      )[method];
      fn.call(client, req, (err, res) => {
        if (err) reject(new HostCallError(method, err.details, err.code, initFailure(err)));
        else resolve(res);
      });
    });
  }
  const urn = (r: ResourceRef) => `urn:pulumi:${options.stack ?? "dev"}::${project}::${r.type}::${r.name}`;
  function target<T extends { setUrn(u: string): unknown; setName(n: string): unknown; setType(t: string): unknown }>(
    req: T,
    r: ResourceRef,
  ): T {
    req.setUrn(urn(r));
    req.setName(r.name);
    req.setType(r.type);
    return req;
  }

  return {
    port,
    process: proc,
    stderr: () => stderr,
    stdout: () => stdout,
    async getPluginInfo() {
      const info = await call<emptyproto.Empty, { getVersion(): string }>("getPluginInfo", new emptyproto.Empty());
      return info.getVersion();
    },
    async configure(args = options.config ?? {}) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(toStruct(args));
      for (const [k, v] of Object.entries(args)) req.getVariablesMap().set(k, v);
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      req.setSendsOldInputs(true);
      req.setSendsOldInputsToDelete(true);
      const res = await call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
      return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
    },
    async check(r) {
      const req = target(new provproto.CheckRequest(), r);
      req.setOlds(toStruct(r.olds));
      req.setNews(toStruct(r.news));
      const res = await call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
      return {
        inputs: fromStruct(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(r) {
      const req = target(new provproto.DiffRequest(), r);
      req.setId(r.id);
      req.setOlds(toStruct(r.olds));
      req.setNews(toStruct(r.news));
      req.setOldInputs(toStruct(r.oldInputs ?? r.olds));
      const res = await call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
      const C = provproto.DiffResponse.DiffChanges;
      const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
      return {
        changes,
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
        hasDetailedDiff: res.getHasdetaileddiff(),
      };
    },
    async create(r) {
      const req = target(new provproto.CreateRequest(), r);
      req.setProperties(toStruct(r.properties));
      req.setPreview(r.preview ?? false);
      const res = await call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
      return { id: res.getId(), properties: fromStruct(res.getProperties()) };
    },
    async read(r) {
      const req = target(new provproto.ReadRequest(), r);
      req.setId(r.id);
      if (r.properties) req.setProperties(toStruct(r.properties));
      if (r.inputs) req.setInputs(toStruct(r.inputs));
      const res = await call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
      const inputs = res.getInputs();
      return {
        id: res.getId(),
        properties: fromStruct(res.getProperties()),
        ...(inputs ? { inputs: fromStruct(inputs) } : {}),
      };
    },
    async update(r) {
      const req = target(new provproto.UpdateRequest(), r);
      req.setId(r.id);
      req.setOlds(toStruct(r.olds));
      req.setNews(toStruct(r.news));
      req.setOldInputs(toStruct(r.oldInputs ?? r.olds));
      const res = await call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
      return { properties: fromStruct(res.getProperties()) };
    },
    async delete(r) {
      const req = target(new provproto.DeleteRequest(), r);
      req.setId(r.id);
      req.setProperties(toStruct(r.properties));
      if (r.oldInputs) req.setOldInputs(toStruct(r.oldInputs));
      await call<provproto.DeleteRequest, emptyproto.Empty>("delete", req);
    },
    async stop() {
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((resolve) => proc.once("exit", resolve));
        proc.kill("SIGTERM");
        await exited;
      }
    },
  };
}

export type { Json };
