// The demo's program run without a Pulumi CLI: the program is evaluated under Pulumi's mocks only to learn which
// resources it declares and with what inputs (each carrying its serialized provider), and those are then driven
// through @pulumi/pulumi's own dynamic-provider host over gRPC by the harness's engine loop (createStack): check ->
// diff -> create/update, and delete in reverse order. State lives in memory for the length of the demo.
import {
  createStack,
  type ProviderHost,
  type Props,
  runProgram,
  startProviderHost,
  stripSecrets,
} from "../../emulator/engine";
import { poolListOf, routeListOf } from "../../sdk";
import { type ClusterIpSettings, clusterIpProgram, readSettings } from "../clusterip/program";
import type { DemoEngine, Say } from "./engine";

interface Declared {
  type: string;
  name: string;
  news: Props;
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
type Keyed = Record<string, never>;

/** Routes and pools as lists, from the keyed maps the providers store (or the arrays of version 0.1.0). */
const routesOf = (p: Props | undefined) =>
  Array.isArray(p?.routes)
    ? p.routes
    : p?.routes && typeof p.routes === "object"
      ? routeListOf("", p.routes as Keyed)
      : [];
const poolsOf = (p: Props | undefined) =>
  Array.isArray(p?.pools) ? p.pools : p?.pools && typeof p.pools === "object" ? poolListOf(p.pools as Keyed) : [];

/** What preview must show for a resource, one line per route or pool server, keyed by what the controller sees. */
export function describe(props: Props, podByIp: Map<string, string> = new Map()): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of routesOf(props) as { prefix: string; nextHop: string; node?: string }[]) {
    out.set(`${r.prefix}>${r.nextHop}`, `route ${r.prefix} via ${r.nextHop}${r.node ? ` (${r.node})` : ""}`);
  }
  for (const p of poolsOf(props) as { name: string; servers: ServerProps[] }[]) {
    for (const s of p.servers) {
      const pod = s.pod ?? podByIp.get(s.ip) ?? "?";
      out.set(
        `${p.name}>${s.ip}:${s.port}>${s.node ?? ""}`,
        `server ${p.name}: ${pod} ${s.ip}:${s.port} on ${s.node ?? "?"}`,
      );
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Pod names by IP from any props that carry them (the controller stores no pod names, the checked inputs do). */
function podNames(...all: (Props | undefined)[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const props of all) {
    for (const p of poolsOf(props) as { servers?: ServerProps[] }[]) {
      for (const s of p.servers ?? []) if (s.pod) names.set(s.ip, s.pod);
    }
  }
  return names;
}

/** The lines that differ between the stored state and the checked inputs: `- ` gone, `+ ` new. */
export function difference(olds: Props, news: Props, earlierInputs?: Props): string[] {
  // Membership "sync": the checked inputs hold no members (the sync keeps them), so there is nothing to list.
  if (news.membership === "sync") {
    return olds.membership === "sync"
      ? []
      : ['~ membership: "pulumi" -> "sync" (routes and servers stay as they are; avi-k8s sync keeps them from now on)'];
  }
  const names = podNames(earlierInputs, olds, news);
  const a = describe(olds, names);
  const b = describe(news, names);
  return [
    ...[...a].filter(([k]) => !b.has(k)).map(([, v]) => `- ${v}`),
    ...[...b].filter(([k]) => !a.has(k)).map(([, v]) => `+ ${v}`),
  ];
}

async function declared(project: string, settings: Partial<ClusterIpSettings>): Promise<Declared[]> {
  const run = await runProgram(() => clusterIpProgram({ ...readSettings(), ...settings }), { project, stack: "demo" });
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
  const stack = createStack(host);
  /** The program's own settings, as `pulumi config set <key>` would give them. */
  const settings: Partial<ClusterIpSettings> = {};
  /** Names in creation order, so destroy goes the other way. */
  const created: string[] = [];

  return {
    label: "engine-protocol harness: Pulumi's dynamic-provider host driven over gRPC (check -> diff -> create/update)",
    async preview() {
      for (const r of await declared(o.project, settings)) {
        const step = await stack.preview(r.type, r.name, r.news);
        const sign = { create: "+", update: "~", replace: "+-", same: " " }[step.op];
        const calls = step.oldInputs ? "check, diff" : "check";
        o.say(`  ${sign} ${step.op === "same" ? "unchanged" : step.op} ${shortType(r.type)} ${r.name}   (${calls})`);
        const lines = step.oldInputs
          ? difference(step.oldInputs, step.newInputs)
          : [...describe(step.newInputs).values()].map((x) => `+ ${x}`);
        for (const line of lines) o.say(`        ${line}`);
      }
    },
    async up() {
      for (const r of await declared(o.project, settings)) {
        const known = stack.state(r.name) !== undefined;
        const { op } = await stack.up(r.type, r.name, r.news);
        if (!created.includes(r.name)) created.push(r.name);
        const calls = known
          ? `check, diff${op === "same" ? "" : `, ${op === "replace" ? "delete, create" : op}`}`
          : "check, create";
        o.say(`  ${op === "same" ? "unchanged" : `${op}d`} ${shortType(r.type)} ${r.name}   (${calls})`);
      }
    },
    async setMembership(membership) {
      settings.membership = membership;
    },
    async setSetting(key, value) {
      if (key === "mode") settings.mode = value as ClusterIpSettings["mode"];
      else settings.annotateService = value === "true";
    },
    async destroy() {
      // Reverse creation order: virtual services before the routes their servers are reached through.
      for (const name of [...created].reverse()) {
        const s = stack.state(name);
        if (!s) continue;
        await stack.destroy(name);
        o.say(`  deleted ${shortType(s.type)} ${name}   (delete)`);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await host.stop();
    },
  };
}
