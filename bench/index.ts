// `npm run bench [-- --quick] [-- --out FILE]`: synthetic clusters on the emulators; for each size, the time, peak
// memory and API traffic of check, diff, create and update (after a node joins, after a pod moves) for the routes
// and for 1, 10 and 100 virtual services, next to an AKO-style route writer; the emulator's live view in headless
// Chromium at 1,000 servers / 5,000 routes (time to first paint); the membership sync at 1,000 and 5,000 nodes
// (bench/sync.ts: rollout latency and writes, heartbeat storm, CPU per event, memory); then the targets, PASS/FAIL.
// Every step runs in a child process of its own (step.ts); this process hosts the emulators and counts traffic.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStep } from "./child";
import { measureLiveView } from "./liveview";
import { type Controller, type ScenarioEnv, startScenario } from "./cluster";
import { scenarios } from "./scenarios";
import { runSyncScenario, type SyncResult, syncScenarios, syncTargets } from "./sync";
import { summaryMarkdown } from "./summary";
import { comparisonLine, header, line } from "./table";
import { evaluateTargets } from "./targets";
import type { Comparison, Machine, Report, Resource, Row, ScenarioSpec, StepName, StepTask } from "./types";

export interface BenchOptions {
  quick: boolean;
  out: string;
  /** Only the scenarios whose label contains this, e.g. "5000n" or "calico". */
  only?: string;
  log: (text: string) => void;
}

export function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const at = argv.indexOf("--out");
  const out = at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1] as string) : defaultOut();
  const o = argv.indexOf("--only");
  const only = o >= 0 ? argv[o + 1] : undefined;
  return { quick, out, ...(only ? { only } : {}), log: (t) => process.stdout.write(`${t}\n`) };
}

function defaultOut(): string {
  // dist/bench/index.js -> bench/results/latest.json in the checkout.
  return path.resolve(__dirname, "..", "..", "bench", "results", "latest.json");
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const CLUSTER = "bench";

interface Ctx {
  env: ScenarioEnv;
  dir: string;
  rows: Row[];
  log: (text: string) => void;
}

async function measure(
  ctx: Ctx,
  ctrl: Controller,
  task: Omit<StepTask, "endpoints" | "cluster">,
  row: { resource: Resource; step: StepName; services?: number },
  cluster = CLUSTER,
): Promise<Row> {
  const report = await runStep({ ...task, cluster, endpoints: ctrl.endpoints }, () => ctx.env.mark(ctrl));
  const spec = ctx.env.spec;
  const r: Row = {
    scenario: spec.label,
    nodes: spec.nodes,
    pods: spec.pods,
    cni: spec.cni,
    ...row,
    ...report,
    ...ctx.env.counts(ctrl),
  };
  ctx.rows.push(r);
  ctx.log(line(r));
  return r;
}

function compare(scenario: string, change: string, ours: Row, baseline: Row): Comparison {
  const side = (r: Row) => ({
    calls: r.aviReads + r.aviWrites + r.aviSession,
    apiCalls: r.aviReads + r.aviWrites,
    sentBytes: r.aviSentBytes,
  });
  const o = side(ours);
  const b = side(baseline);
  return {
    scenario,
    change,
    ours: o,
    baseline: b,
    bytesRatio: b.sentBytes > 0 ? o.sentBytes / b.sentBytes : null,
    apiCallsRatio: b.apiCalls > 0 ? o.apiCalls / b.apiCalls : null,
    callsRatio: b.calls > 0 ? o.calls / b.calls : null,
  };
}

/** One cluster: routes (ours and the baseline) and each group of virtual services, through both changes. */
async function runScenario(spec: ScenarioSpec, ctx: Omit<Ctx, "env">): Promise<Comparison[]> {
  const env = await startScenario(spec);
  const c: Ctx = { ...ctx, env };
  const f = (name: string) => path.join(c.dir, `${spec.label.replace(/\s+/g, "-")}-${name}.json`);
  try {
    ctx.log(
      `# ${spec.label}: ${spec.nodes} nodes, ${spec.pods} pods, ${spec.clusterServices} services, cni ${spec.cni}${spec.cni === "calico" ? ` (${spec.blocksPerNode} blocks/node)` : ""}; loaded in ${(env.loadMs / 1000).toFixed(1)} s`,
    );
    const routes = await env.controller("routes");
    const ako = await env.controller("ako");
    const groups = await Promise.all(spec.managed.map((n) => env.controller(`vs-${n}`)));
    const services = (n: number) => Array.from({ length: n }, (_, i) => `svc-${String(i + 1).padStart(5, "0")}`);

    await measure(
      c,
      routes,
      { kind: "routes.check", checkedFile: f("routes-checked-0") },
      { resource: "routes", step: "check" },
    );
    const rCreate = await measure(
      c,
      routes,
      { kind: "routes.create", checkedFile: f("routes-checked-0"), writeOutsFile: f("routes-outs-0") },
      { resource: "routes", step: "create" },
    );
    const aSync = await measure(
      c,
      ako,
      { kind: "ako.write", akoIdsFile: f("ako-ids") },
      { resource: "ako-baseline", step: "create" },
      CLUSTER,
    );
    for (const [i, n] of spec.managed.entries()) {
      const g = groups[i] as Controller;
      const svc = services(n);
      await measure(
        c,
        g,
        { kind: "vs.check", services: svc, checkedFile: f(`vs${n}-checked-0`) },
        { resource: "vs", step: "check", services: n },
      );
      await measure(
        c,
        g,
        { kind: "vs.create", services: svc, checkedFile: f(`vs${n}-checked-0`), writeOutsFile: f(`vs${n}-outs-0`) },
        { resource: "vs", step: "create", services: n },
      );
    }

    if (spec.managed.length > 0) {
      // Mode nodeport: the same check (Service, slices) plus the node list; servers = nodes × ports.
      const undo = env.exposeNodePort("svc-00001");
      await measure(
        c,
        await env.controller("vs-nodeport"),
        { kind: "vs.check", services: ["svc-00001"], mode: "nodeport", checkedFile: f("vsnp-checked-0") },
        { resource: "vs-nodeport", step: "check", services: 1 },
      );
      undo();
    }

    ctx.log(`# a node joins: ${env.joinNode()}`);
    const rNode = await measure(
      c,
      routes,
      {
        kind: "routes.update",
        outsFile: f("routes-outs-0"),
        checkedFile: f("routes-checked-1"),
        writeOutsFile: f("routes-outs-1"),
      },
      { resource: "routes", step: "update-node" },
    );
    await measure(
      c,
      routes,
      { kind: "routes.diff", outsFile: f("routes-outs-0"), checkedFile: f("routes-checked-1") },
      { resource: "routes", step: "diff" },
    );
    const aNode = await measure(
      c,
      ako,
      { kind: "ako.write", akoIdsFile: f("ako-ids") },
      { resource: "ako-baseline", step: "update-node" },
    );
    // Pools do not depend on nodes: for the virtual services an `up` after a node joins is their check (see above).

    ctx.log(`# a pod moves: ${env.movePod()}`);
    const rPod = await measure(
      c,
      routes,
      {
        kind: "routes.update",
        outsFile: f("routes-outs-1"),
        checkedFile: f("routes-checked-2"),
        writeOutsFile: f("routes-outs-2"),
      },
      { resource: "routes", step: "update-pod" },
    );
    const aRestart = await measure(
      c,
      ako,
      { kind: "ako.write", akoIdsFile: f("ako-ids"), akoRestart: true },
      { resource: "ako-baseline", step: "restart" },
    );
    for (const [i, n] of spec.managed.entries()) {
      const g = groups[i] as Controller;
      await measure(
        c,
        g,
        {
          kind: "vs.update",
          services: services(n),
          outsFile: f(`vs${n}-outs-0`),
          checkedFile: f(`vs${n}-checked-2`),
          writeOutsFile: f(`vs${n}-outs-2`),
        },
        { resource: "vs", step: "update-pod", services: n },
      );
      await measure(
        c,
        g,
        { kind: "vs.diff", services: services(n), outsFile: f(`vs${n}-outs-0`), checkedFile: f(`vs${n}-checked-2`) },
        { resource: "vs", step: "diff", services: n },
      );
    }
    const comparisons = [
      compare(spec.label, "full sync (create / AKO boot)", rCreate, aSync),
      compare(spec.label, "one node joins", rNode, aNode),
      compare(spec.label, "no route change (re-run / AKO restart)", rPod, aRestart),
    ];
    for (const cmp of comparisons) ctx.log(comparisonLine(cmp));
    return comparisons;
  } finally {
    await env.stop();
  }
}

/**
 * Pulumi's serializer stores a module under node_modules as a require() of the package, and one outside by value;
 * so the size users store is measured with the package where a consumer has it: a link in a consumer's
 * node_modules, loaded with --preserve-symlinks so the path keeps saying node_modules.
 */
async function measureProviderSize(dir: string): Promise<Report["providerSize"]> {
  const packageDir = path.join(dir, "consumer", "node_modules", "pulumi-avi-k8s");
  fs.mkdirSync(path.dirname(packageDir), { recursive: true });
  fs.symlinkSync(path.resolve(__dirname, "..", ".."), packageDir, "dir");
  let installed: Awaited<ReturnType<typeof runStep>>;
  try {
    installed = await runStep({ kind: "provider.size", cluster: CLUSTER, packageDir }, () => undefined, [
      "--preserve-symlinks",
    ]);
  } finally {
    fs.unlinkSync(packageDir); // the link only, never what it points to
  }
  const checkout = await runStep({ kind: "provider.size", cluster: CLUSTER }, () => undefined);
  return {
    routes: Number(installed.info.routes),
    virtualService: Number(installed.info.virtualService),
    containsSecrets: installed.info.containsSecrets === true || checkout.info.containsSecrets === true,
    checkout: { routes: Number(checkout.info.routes), virtualService: Number(checkout.info.virtualService) },
  };
}

export async function runBench(opts: BenchOptions): Promise<Report> {
  const started = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-bench-"));
  const rows: Row[] = [];
  const comparisons: Comparison[] = [];
  const m = machine();
  opts.log(
    `pulumi-avi-k8s bench${opts.quick ? " (quick)" : ""}: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGB} GB, node ${m.node}, load ${m.loadAverage.join(" ")}`,
  );
  try {
    await runStep({ kind: "warmup", cluster: CLUSTER }, () => undefined);
    const providerSize = await measureProviderSize(dir);
    opts.log(
      `serialized provider per resource, installed: ClusterIpRoutes ${providerSize.routes} B, ClusterIpVirtualService ${providerSize.virtualService} B` +
        ` (in this checkout: ${providerSize.checkout.routes} B, ${providerSize.checkout.virtualService} B)`,
    );
    opts.log(header());
    for (const spec of scenarios(opts.quick, opts.only))
      comparisons.push(...(await runScenario(spec, { dir, rows, log: opts.log })));
    const liveView = await measureLiveView(opts.quick, opts.log);
    const sync: SyncResult[] = [];
    for (const spec of syncScenarios(opts.quick).filter((x) => !opts.only || x.label.includes(opts.only))) {
      sync.push(await runSyncScenario(spec, opts.log));
    }
    const targets = [...evaluateTargets({ rows, providerSize }), ...(sync.length > 0 ? syncTargets(sync) : [])];
    const report: Report = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      quick: opts.quick,
      machine: m,
      providerSize,
      rows,
      comparisons,
      targets,
      liveView,
      sync,
    };
    opts.log("");
    for (const t of targets) opts.log(`${t.pass ? "PASS" : "FAIL"}  ${t.name}\n      ${t.detail}`);
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
    opts.log(`\nwrote ${opts.out} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
    return report;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === "--summary") {
  // Renders the markdown summary of an earlier run: `node dist/bench/index.js --summary bench/results/latest.json`.
  const file = process.argv[3] ?? defaultOut();
  process.stdout.write(`${summaryMarkdown(JSON.parse(fs.readFileSync(file, "utf8")) as Report)}\n`);
} else if (require.main === module) {
  runBench(parseArgs(process.argv.slice(2))).then(
    (report) => {
      process.exitCode = report.targets.every((t) => t.pass) ? 0 : 1;
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
