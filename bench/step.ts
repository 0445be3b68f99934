// One bench step in a process of its own, so its peak memory is its own: load the modules and inputs, tell the
// parent to start counting (it clears the servers' logs), do the work, report time and memory, exit.
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import type { AkoRouteIds } from "./baseline";
import type { Endpoints, StepReport, StepTask } from "./types";

type Props = Record<string, unknown>;
type Check = { inputs: Props; failures: { property: string; reason: string }[] };
type Provider = {
  check(olds: Props, news: Props): Promise<Check>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces?: string[] }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
};

const MB = 1024 * 1024;
const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * What `key` adds to the state (checked inputs and outputs as the engine stores them, compact JSON), per entry:
 * the bytes of both with the entries minus the bytes of both without them.
 */
function bytesPerEntry(inputs: Props, outs: Props, key: string, entries: number): number {
  if (entries === 0) return 0;
  const without = size({ ...inputs, [key]: {} }) + size({ ...outs, [key]: {} });
  return Math.round(((size(inputs) + size(outs) - without) / entries) * 10) / 10;
}

function serverCount(pools: unknown): number {
  const all = Object.values((pools ?? {}) as Record<string, { servers?: object }>);
  return all.reduce((n, p) => n + Object.keys(p.servers ?? {}).length, 0);
}
const readJson = <T>(file: string | undefined): T => JSON.parse(fs.readFileSync(need(file, "an input file"), "utf8"));
const writeJson = (file: string | undefined, value: unknown) =>
  fs.writeFileSync(need(file, "an output file"), JSON.stringify(value));

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`bench step: the task has no ${what}.`);
  return v;
}

function connection(e: Endpoints): Props {
  return {
    controller: e.controller,
    username: e.username,
    password: e.password,
    caBundle: e.caCert,
    kubeconfigPath: e.kubeconfigPath,
  };
}

/** The args a Pulumi program would give each resource. */
function routesArgs(task: StepTask): Props {
  return { cluster: task.cluster, ...connection(need(task.endpoints, "endpoints")) };
}

function vsArgs(task: StepTask, service: string, index: number): Props {
  return {
    cluster: task.cluster,
    namespace: "default",
    service,
    vip: { address: `10.200.${Math.floor(index / 250)}.${(index % 250) + 1}` },
    ...(task.mode ? { mode: task.mode } : {}),
    ...connection(need(task.endpoints, "endpoints")),
  };
}

function checked(c: Check, what: string): Props {
  if (c.failures.length > 0) {
    throw new Error(`check of ${what} failed: ${c.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  return c.inputs;
}

/** Waits until the parent has cleared its counters. */
function mark(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== "go") return;
      process.off("message", onMessage);
      resolve();
    };
    process.on("message", onMessage);
    process.send?.({ type: "mark" });
  });
}

interface Work {
  /** Runs before mark(): loading inputs, logging in where the writer keeps a session. */
  prepare?: () => Promise<void>;
  run: (
    phase: <T>(name: string, f: () => Promise<T>) => Promise<T>,
  ) => Promise<Record<string, number | string | boolean>>;
}

function routesWork(task: StepTask, routes: Provider): Work {
  const args = routesArgs(task);
  switch (task.kind) {
    case "routes.check":
      return {
        run: async (phase) => {
          const inputs = checked(await phase("check", () => routes.check({}, args)), "routes");
          writeJson(task.checkedFile, [inputs]);
          return {
            routes: Object.keys(inputs.routes as object).length,
            conflicts: (inputs.conflicts as unknown[]).length,
          };
        },
      };
    case "routes.create": {
      let inputs: Props = {};
      return {
        prepare: async () => {
          [inputs] = readJson<Props[]>(task.checkedFile);
        },
        run: async (phase) => {
          const { id, outs } = await phase("apply", () => routes.create(inputs));
          writeJson(task.writeOutsFile, [{ id, outs }]);
          const n = Object.keys(outs.routes as object).length;
          return {
            routes: n,
            stateBytes: size(inputs) + size(outs),
            stateBytesPerRoute: bytesPerEntry(inputs, outs, "routes", n),
          };
        },
      };
    }
    case "routes.diff": {
      let olds: { id: string; outs: Props } = { id: "", outs: {} };
      let news: Props = {};
      return {
        prepare: async () => {
          [olds] = readJson<{ id: string; outs: Props }[]>(task.outsFile);
          [news] = readJson<Props[]>(task.checkedFile);
        },
        run: async (phase) => {
          const d = await phase("diff", () => routes.diff(olds.id, olds.outs, news));
          return { changes: d.changes === true };
        },
      };
    }
    default:
      return routesUpdate(task, routes, args);
  }
}

/** What `pulumi up` does for the resource after a change: check, diff, and update when the diff says so. */
function routesUpdate(task: StepTask, routes: Provider, args: Props): Work {
  let olds: { id: string; outs: Props } = { id: "", outs: {} };
  return {
    prepare: async () => {
      [olds] = readJson<{ id: string; outs: Props }[]>(task.outsFile);
    },
    run: async (phase) => {
      const news = checked(await phase("check", () => routes.check(olds.outs, args)), "routes");
      const d = await phase("diff", () => routes.diff(olds.id, olds.outs, news));
      let outs = olds.outs;
      if (d.changes) outs = (await phase("apply", () => routes.update(olds.id, olds.outs, news))).outs ?? outs;
      writeJson(task.checkedFile, [news]);
      writeJson(task.writeOutsFile, [{ id: olds.id, outs }]);
      return { changes: d.changes === true, routes: Object.keys(outs.routes as object).length };
    },
  };
}

function vsWork(task: StepTask, vs: Provider): Work {
  const services = need(task.services, "services");
  let olds: { id: string; outs: Props }[] = [];
  let news: Props[] = [];
  return {
    prepare: async () => {
      if (task.kind !== "vs.check") news = task.kind === "vs.update" ? [] : readJson<Props[]>(task.checkedFile);
      if (task.kind === "vs.update" || task.kind === "vs.diff") olds = readJson(task.outsFile);
    },
    run: async (phase): Promise<StepReport["info"]> => {
      let servers = 0;
      let changed = 0;
      if (task.kind === "vs.check") {
        for (const [i, svc] of services.entries())
          news.push(checked(await phase("check", () => vs.check({}, vsArgs(task, svc, i))), svc));
        writeJson(task.checkedFile, news);
      } else if (task.kind === "vs.create") {
        const created: { id: string; outs: Props }[] = [];
        for (const inputs of news) created.push(await phase("apply", () => vs.create(inputs)));
        writeJson(task.writeOutsFile, created);
        const sizes = created.map((c, i) => size(news[i]) + size(c.outs));
        const servers = created.reduce((n, c) => n + serverCount(c.outs.pools), 0);
        const poolBytes = created.reduce((n, c, i) => n + bytesPerEntry(news[i] ?? {}, c.outs, "pools", 1), 0);
        return {
          resources: created.length,
          maxStateBytes: Math.max(...sizes),
          stateBytesPerServer: servers > 0 ? Math.round((poolBytes / servers) * 10) / 10 : 0,
        };
      } else if (task.kind === "vs.diff") {
        for (const [i, o] of olds.entries()) {
          const d = await phase("diff", () => vs.diff(o.id, o.outs, news[i] ?? {}));
          if (d.changes) changed++;
        }
      } else {
        const next: { id: string; outs: Props }[] = [];
        for (const [i, o] of olds.entries()) {
          const n = checked(
            await phase("check", () => vs.check(o.outs, vsArgs(task, need(services[i], "service"), i))),
            o.id,
          );
          news.push(n);
          const d = await phase("diff", () => vs.diff(o.id, o.outs, n));
          let outs = o.outs;
          if (d.changes) {
            changed++;
            outs = (await phase("apply", () => vs.update(o.id, o.outs, n))).outs ?? outs;
          }
          next.push({ id: o.id, outs });
        }
        writeJson(task.checkedFile, news);
        writeJson(task.writeOutsFile, next);
      }
      for (const n of news) servers += serverCount(n.pools);
      return { resources: services.length, changed, servers };
    },
  };
}

async function akoWork(task: StepTask): Promise<Work> {
  const { readNodes } = await import("../provider/kube");
  const { planRoutes } = await import("../provider/plan");
  const { createAviSession } = await import("../provider/avi");
  const { akoFindVrf, akoModelRoutes, akoWriteRoutes } = await import("./baseline");
  const e = need(task.endpoints, "endpoints");
  const session = createAviSession({
    controller: e.controller,
    username: e.username,
    password: e.password,
    caCert: e.caCert,
  });
  let ids: AkoRouteIds = {};
  let vrf = "";
  let model: Record<string, unknown>[] = [];
  return {
    // AKO's informers already hold the nodes and its session is logged in; neither is part of a node event.
    prepare: async () => {
      if (!task.akoRestart && task.akoIdsFile && fs.existsSync(task.akoIdsFile)) ids = readJson(task.akoIdsFile);
      const nodes = await readNodes({ kubeconfigPath: e.kubeconfigPath }, { cni: "auto" });
      model = akoModelRoutes(task.cluster, planRoutes(task.cluster, nodes.nodes).routes, ids);
      vrf = await akoFindVrf(session, "global", "Default-Cloud");
    },
    run: async (phase) => {
      const r = await phase("apply", () => akoWriteRoutes(session, vrf, task.cluster, model));
      writeJson(task.akoIdsFile, ids);
      return { routes: model.length, attempts: r.attempts };
    },
  };
}

/** `packageDir`: the package as a consumer's node_modules holds it (the child runs with --preserve-symlinks). */
async function providerSize(packageDir: string | undefined): Promise<StepReport["info"]> {
  const { serializeProvider } = await import("../emulator/engine");
  const sdk = packageDir ? `${packageDir}/dist/sdk/providers` : "../sdk/providers";
  const { routesProvider } = require(`${sdk}/routes`) as typeof import("../sdk/providers/routes");
  const { virtualServiceProvider } = require(
    `${sdk}/virtualService`,
  ) as typeof import("../sdk/providers/virtualService");
  const r = await serializeProvider(routesProvider);
  const v = await serializeProvider(virtualServiceProvider);
  return { routes: r.bytes, virtualService: v.bytes, containsSecrets: r.containsSecrets || v.containsSecrets };
}

async function main(task: StepTask): Promise<StepReport> {
  if (task.kind === "provider.size") {
    const t0 = performance.now();
    const info = await providerSize(task.packageDir);
    return {
      ms: performance.now() - t0,
      cpuMs: cpuMs(process.cpuUsage()),
      phases: {},
      baseRssMB: 0,
      peakRssMB: peakMB(),
      info,
    };
  }
  // What a provider host has loaded before its first call; the Kubernetes client is loaded lazily by the reader.
  require("@kubernetes/client-node");
  const { routesProvider } = await import("../sdk/providers/routes");
  const { virtualServiceProvider } = await import("../sdk/providers/virtualService");
  // The providers require their implementation on first use; a pure diff of nothing loads it, so the measured
  // work is the step's own and not module loading (reported as loadMs).
  const t = performance.now();
  for (const p of [routesProvider, virtualServiceProvider] as unknown as Provider[]) {
    await Promise.resolve()
      .then(() => p.diff("", {}, {}))
      .catch(() => undefined);
  }
  const loadMs = Math.round(performance.now() - t);
  if (task.kind === "warmup") return { ms: loadMs, cpuMs: 0, phases: {}, baseRssMB: 0, peakRssMB: peakMB(), info: {} };
  const work = task.kind.startsWith("routes.")
    ? routesWork(task, routesProvider as unknown as Provider)
    : task.kind.startsWith("vs.")
      ? vsWork(task, virtualServiceProvider as unknown as Provider)
      : await akoWork(task);
  await work.prepare?.();
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      phases[name] = (phases[name] ?? 0) + performance.now() - t;
    }
  };
  await mark();
  const baseRssMB = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const info = await work.run(phase);
  const ms = performance.now() - t0;
  return {
    ms,
    cpuMs: cpuMs(process.cpuUsage(cpu0)),
    phases,
    baseRssMB,
    peakRssMB: peakMB(),
    info: { ...info, loadMs },
  };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** getrusage's maxrss: the high-water mark of the whole process (kilobytes on Linux). */
function peakMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

process.once("message", (task: StepTask) => {
  main(task).then(
    (report) => process.send?.({ type: "result", report }, () => process.exit(0)),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.send?.({ type: "error", message }, () => process.exit(1));
    },
  );
});
