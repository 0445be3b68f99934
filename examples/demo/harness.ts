// The demo's program run without a Pulumi CLI: the program is evaluated under Pulumi's mocks only to learn which
// resources it declares and with what inputs (each carrying its serialized provider), and those are then driven
// through @pulumi/pulumi's own dynamic-provider host over gRPC, as the engine drives them: check -> diff ->
// create/update, and delete in reverse order. State lives in memory for the length of the demo.
import {
  type CheckResult,
  type ProviderHost,
  type Props,
  runProgram,
  startProviderHost,
  stripSecrets,
} from "../../emulator/engine";
import { clusterIpProgram } from "../clusterip/program";
import type { DemoEngine, Say } from "./engine";

interface Declared {
  type: string;
  name: string;
  news: Props;
}
interface Stored {
  type: string;
  name: string;
  id: string;
  inputs: Props;
  outputs: Props;
}

export interface HarnessOptions {
  /** The project directory (the provider host's cwd: a serialized provider resolves `require` from it). */
  root: string;
  project: string;
  /** Stack config, namespaced (`avi-k8s:controller`, ...). */
  config: Record<string, string>;
  say: Say;
  /** Called with the host's process id once it runs (the demo reports it so a test can check it is gone). */
  onHost?: (pid: number) => void;
}

const shortType = (t: string) => t.replace(/^pulumi-nodejs:dynamic\//, "");

type ServerProps = { ip: string; port: number; node?: string; pod?: string };

/** What preview must show for a resource, one line per route or pool server, keyed by what the controller sees. */
export function describe(props: Props, podByIp: Map<string, string> = new Map()): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(props.routes)) {
    for (const r of props.routes as { prefix: string; nextHop: string; node?: string }[]) {
      out.set(`${r.prefix}>${r.nextHop}`, `route ${r.prefix} via ${r.nextHop}${r.node ? ` (${r.node})` : ""}`);
    }
  }
  if (Array.isArray(props.pools)) {
    for (const p of props.pools as { name: string; servers: ServerProps[] }[]) {
      for (const s of p.servers) {
        const pod = s.pod ?? podByIp.get(s.ip) ?? "?";
        out.set(
          `${p.name}>${s.ip}:${s.port}>${s.node ?? ""}`,
          `server ${p.name}: ${pod} ${s.ip}:${s.port} on ${s.node ?? "?"}`,
        );
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Pod names by IP from any props that carry them (the controller stores no pod names, the checked inputs do). */
function podNames(...all: (Props | undefined)[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const props of all) {
    for (const p of (props?.pools ?? []) as { servers?: ServerProps[] }[]) {
      for (const s of p.servers ?? []) if (s.pod) names.set(s.ip, s.pod);
    }
  }
  return names;
}

/** The lines that differ between the stored state and the checked inputs: `- ` gone, `+ ` new. */
export function difference(olds: Props, news: Props, earlierInputs?: Props): string[] {
  const names = podNames(earlierInputs, olds, news);
  const a = describe(olds, names);
  const b = describe(news, names);
  return [
    ...[...a].filter(([k]) => !b.has(k)).map(([, v]) => `- ${v}`),
    ...[...b].filter(([k]) => !a.has(k)).map(([, v]) => `+ ${v}`),
  ];
}

async function declared(project: string): Promise<Declared[]> {
  const run = await runProgram(() => clusterIpProgram(), { project, stack: "demo" });
  return run.resources
    .filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic/"))
    .map((r) => ({ type: r.type, name: r.name, news: stripSecrets<Props>(r.inputs) }));
}

export async function startHarnessEngine(o: HarnessOptions): Promise<DemoEngine> {
  const host: ProviderHost = await startProviderHost({
    cwd: o.root,
    project: o.project,
    stack: "demo",
    config: o.config,
    cleanEnv: true,
  });
  o.onHost?.(host.process.pid ?? 0);
  let stopped = false;
  await host.configure();
  const state = new Map<string, Stored>();

  type Step = { r: Declared; checked: CheckResult; prior?: Stored; op: "create" | "update" | "replace" | "same" };

  async function plan(): Promise<Step[]> {
    const steps: Step[] = [];
    for (const r of await declared(o.project)) {
      const prior = state.get(r.name);
      o.say(`  check   ${shortType(r.type)} ${r.name}`);
      const checked = await host.check({ type: r.type, name: r.name, olds: prior?.inputs ?? {}, news: r.news });
      if (checked.failures.length > 0) {
        throw new Error(
          `check of ${r.name} failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
        );
      }
      if (!prior) {
        // The engine diffs only what it already holds: a new resource goes from check straight to create.
        steps.push({ r, checked, op: "create" });
        continue;
      }
      o.say(`  diff    ${shortType(r.type)} ${r.name}`);
      const d = await host.diff({
        type: r.type,
        name: r.name,
        id: prior.id,
        olds: prior.outputs,
        news: checked.inputs,
      });
      const op = d.replaces.length > 0 ? "replace" : d.changes === "some" ? "update" : "same";
      steps.push({ r, checked, prior, op });
    }
    return steps;
  }

  function show(steps: Step[]): void {
    for (const s of steps) {
      const sign = { create: "+", update: "~", replace: "+-", same: " " }[s.op];
      o.say(`  ${sign} ${s.op === "same" ? "unchanged" : s.op} ${shortType(s.r.type)} ${s.r.name}`);
      const lines = s.prior
        ? difference(s.prior.outputs, s.checked.inputs, s.prior.inputs)
        : [...describe(s.checked.inputs).values()].map((x) => `+ ${x}`);
      for (const line of lines) o.say(`        ${line}`);
    }
  }

  async function remove(s: Stored): Promise<void> {
    o.say(`  delete  ${shortType(s.type)} ${s.name}`);
    await host.delete({ type: s.type, name: s.name, id: s.id, properties: s.outputs, oldInputs: s.inputs });
    state.delete(s.name);
  }

  return {
    label: "engine-protocol harness: Pulumi's dynamic-provider host driven over gRPC (check -> diff -> create/update)",
    async preview() {
      show(await plan());
    },
    async up() {
      const steps = await plan();
      for (const s of steps) {
        const { type, name } = s.r;
        if (s.op === "same") continue;
        if (s.op === "replace" && s.prior) await remove(s.prior);
        if (s.op === "update" && s.prior) {
          o.say(`  update  ${shortType(type)} ${name}`);
          const u = await host.update({ type, name, id: s.prior.id, olds: s.prior.outputs, news: s.checked.inputs });
          state.set(name, { ...s.prior, inputs: s.checked.inputs, outputs: u.properties });
          continue;
        }
        o.say(`  create  ${shortType(type)} ${name}`);
        const c = await host.create({ type, name, properties: s.checked.inputs });
        state.set(name, { type, name, id: c.id, inputs: s.checked.inputs, outputs: c.properties });
      }
    },
    async destroy() {
      // Reverse creation order: virtual services before the routes their servers are reached through.
      for (const s of [...state.values()].reverse()) await remove(s);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await host.stop();
    },
  };
}
