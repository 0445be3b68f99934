// `npm run demo`: the seed scenario end to end on the two emulators. It starts them, runs the examples/clusterip
// program with a Pulumi CLI when one can be had (else through the engine-protocol harness, and says so), prints
// what the controller then holds (read back over its REST API), moves a pod and shows the preview difference and
// the converged result, switches to membership "sync", starts `avi-k8s sync` and shows the pool following a rollout
// with no `pulumi up`, destroys, and shows that only our objects went away. Everything it starts is stopped on
// every way out, Ctrl-C included.
import * as fs from "node:fs";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { DEFAULTS } from "../clusterip/program";
import { addForeignRoute, FOREIGN_ROUTE, learnNames, podPlacement } from "./cluster";
import { type Detection, detectEngine } from "./detect";
import type { DemoEngine } from "./engine";
import { type ClusterNames, countsLine, destroyReport, formatView, viewDifference } from "./format";
import { startHarnessEngine } from "./harness";
import { type DemoOptions, parseOptions, USAGE } from "./options";
import { startCliEngine } from "./pulumiCli";
import { type RestClient, restLogin } from "./rest";
import { toSvg } from "./svg";
import { runModeDemo } from "./modes";
import { type RunningSync, rolloutFollowed, startSyncProcess } from "./sync";
import { buildTopology, type TopologyOptions, toMermaid } from "./topology";
import { clusterRoutes, type ControllerView, readControllerView } from "./view";

const ROOT = path.resolve(__dirname, "../../..");
const PROJECT = "avi-k8s-demo";
const MOVED_POD = "web-a";
const MOVE_TO = "node2";

const say = (line = "") => process.stdout.write(`${line}\n`);
const heading = (n: number, title: string) => say(`\n== ${n}. ${title}`);

/** Stop functions, run newest first, each once, whatever happened before. */
function cleanupStack() {
  const fns: (() => Promise<unknown> | unknown)[] = [];
  let running: Promise<void> | undefined;
  return {
    add(fn: () => Promise<unknown> | unknown) {
      fns.push(fn);
    },
    run(): Promise<void> {
      running ??= (async () => {
        while (fns.length > 0) {
          const fn = fns.pop();
          try {
            await fn?.();
          } catch (e) {
            say(`cleanup: ${(e as Error).message}`);
          }
        }
      })();
      return running;
    },
  };
}
type Cleanup = ReturnType<typeof cleanupStack>;

function writeTopology(
  dir: string,
  base: string,
  view: ControllerView,
  names: ClusterNames,
  o: TopologyOptions,
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const t = buildTopology(view, names, o);
  const files = [path.join(dir, `${base}.mmd`), path.join(dir, `${base}.svg`)];
  fs.writeFileSync(files[0] as string, toMermaid(t));
  fs.writeFileSync(files[1] as string, toSvg(t));
  return files;
}

function printView(view: ControllerView, names: ClusterNames, cluster: string): void {
  for (const line of formatView(view, names)) say(`  ${line}`);
  const servers = view.virtualServices.flatMap((v) => v.pools.flatMap((p) => p.servers)).length;
  say(`  => pool servers: ${servers}; routes of cluster ${cluster}: ${clusterRoutes(view, cluster).length}`);
}

async function startEngine(
  detection: Detection,
  conn: { config: Record<string, string>; password: string },
): Promise<DemoEngine> {
  if (detection.kind === "cli") {
    return startCliEngine({
      cli: detection.cli,
      root: ROOT,
      config: conn.config,
      secrets: { "avi-k8s:password": conn.password },
      say,
    });
  }
  return startHarnessEngine({
    root: ROOT,
    project: PROJECT,
    config: { ...conn.config, "avi-k8s:password": conn.password },
    say,
    onHost: (pid) => say(`  dynamic-provider host: process ${pid}`),
  });
}

async function runDemo(opts: DemoOptions, cleanup: Cleanup): Promise<void> {
  const cluster = DEFAULTS.cluster;
  say(`pulumi-avi-k8s demo: the seed scenario on the embedded emulators${opts.mode ? `, mode ${opts.mode}` : ""}`);

  heading(1, "Emulators (seed topology)");
  const avi = await startAviEmulator();
  cleanup.add(() => avi.stop());
  if (avi.caFile && /avi-emulator-tls-/.test(avi.caFile)) {
    const caDir = path.dirname(avi.caFile);
    cleanup.add(() => fs.rmSync(caDir, { recursive: true, force: true }));
  }
  const kube: KubeEmulator = await startKubeEmulator();
  cleanup.add(() => kube.stop());
  say(`  Avi Controller emulator: ${avi.url}`);
  say(
    `  live view (the controller's page): ${avi.ui} (log in as ${avi.username}${opts.keep ? "" : "; --keep prints the password and keeps it up"})`,
  );
  say(
    `  Kubernetes API emulator: ${kube.url} (nodes ${kube
      .list("nodes")
      .map((n) => n.metadata?.name)
      .join(", ")})`,
  );
  // Read back with plain REST calls of the demo's own, not the product's client, so a client bug cannot hide.
  const session: RestClient = await restLogin({
    url: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
  });
  cleanup.add(() => session.logout());
  await addForeignRoute(session);
  say(
    `  placed by hand in VRF global: ${FOREIGN_ROUTE.prefix} via ${FOREIGN_ROUTE.nextHop} (not ours: no clustername label)`,
  );
  const names = learnNames(kube, { podByIp: new Map(), nodeByAddress: new Map() });

  heading(2, "Pulumi engine");
  const detection = detectEngine(opts.engine);
  if (detection.kind === "harness" && opts.engine === "cli") throw new Error(`--engine cli: ${detection.reason}.`);
  if (detection.kind === "harness" && opts.engine === "auto") {
    say(`  Pulumi CLI: ${detection.reason}; running the same program through the engine-protocol harness instead.`);
  }
  const config = {
    "avi-k8s:controller": avi.url,
    "avi-k8s:username": avi.username,
    "avi-k8s:caBundle": avi.caFile ?? "",
    "avi-k8s:kubeconfigPath": kube.kubeconfig,
  };
  const engine = await startEngine(detection, { config, password: avi.password });
  cleanup.add(() => engine.stop());
  say(`  engine: ${engine.label}`);
  say(
    `  program: examples/clusterip (cluster ${cluster}, Service ${DEFAULTS.namespace}/${DEFAULTS.service}, VIP ${DEFAULTS.vip})`,
  );

  if (opts.mode) {
    const pictures = await runModeDemo({
      mode: opts.mode,
      cluster,
      kube,
      session,
      engine,
      names,
      keep: opts.keep === true,
      say,
      heading,
      printView: (view) => printView(view, names, cluster),
      picture: (base, view, o) => writeTopology(opts.outDir, base, view, names, { cluster, ...o }),
    });
    if (opts.keep) return keepRunning(avi);
    heading(opts.mode === "nodeport" ? 8 : 7, "Topology picture");
    for (const f of pictures)
      say(`  ${path.relative(process.cwd(), f).startsWith("..") ? f : path.relative(process.cwd(), f)}`);
    return;
  }

  heading(3, "preview, then up");
  say("preview:");
  await engine.preview();
  say("up:");
  await engine.up();

  heading(4, "What the controller holds (read back over its REST API)");
  const seeded = await readControllerView(session);
  printView(seeded, names, cluster);
  if (!seeded.virtualServices.some((v) => v.cluster === cluster)) {
    throw new Error(`up finished, but the controller holds no virtual service of cluster ${cluster}.`);
  }
  const pictures = writeTopology(opts.outDir, "demo-topology", seeded, names, {
    cluster,
    caption: `After up: cluster ${cluster}'s virtual service, pool servers and routes, next to a route that is not ours.`,
  });

  heading(5, `A pod moves: ${MOVED_POD} to ${MOVE_TO}`);
  const from = podPlacement(kube, DEFAULTS.namespace, MOVED_POD);
  kube.movePod(DEFAULTS.namespace, MOVED_POD, MOVE_TO);
  learnNames(kube, names);
  say(`  ${MOVED_POD}: ${from} -> ${podPlacement(kube, DEFAULTS.namespace, MOVED_POD)}`);
  say("preview (the difference):");
  await engine.preview();
  say("up:");
  await engine.up();
  const moved = await readControllerView(session);
  say("converged:");
  printView(moved, names, cluster);
  say("changed on the controller:");
  for (const line of viewDifference(seeded, moved, names)) say(`  ${line}`);
  pictures.push(
    ...writeTopology(opts.outDir, "demo-topology-moved", moved, names, {
      cluster,
      before: seeded,
      caption: `After ${MOVED_POD} moved to ${MOVE_TO}: the changed server is highlighted, the one it replaced drawn faded.`,
    }),
  );

  heading(6, 'Keeping pools current: membership "sync" and avi-k8s sync');
  say('  the program sets membership "sync": Pulumi keeps owning the objects, `avi-k8s sync` keeps their members');
  await engine.setMembership("sync");
  say("preview:");
  await engine.preview();
  say("up:");
  await engine.up();
  const sync: RunningSync = await startSyncProcess(
    {
      root: ROOT,
      cluster,
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      caFile: avi.caFile ?? "",
      kubeconfig: kube.kubeconfig,
    },
    say,
  );
  cleanup.add(() => sync.stop());
  say(`  ready: ${sync.url}/readyz answers 200; /metrics has the event-to-write latency`);
  say(`a rollout replaces every pod of ${DEFAULTS.service} (new pods Ready, then the old ones Terminating and gone):`);
  const followed = await rolloutFollowed(
    kube,
    session,
    { cluster, namespace: DEFAULTS.namespace, service: DEFAULTS.service },
    say,
  );
  learnNames(kube, names);
  say(
    `  => the pool followed with no \`pulumi up\`: it held exactly the new pods ${followed.afterLastChangeMs} ms after the rollout's last change (the rollout took ${followed.rolloutMs} ms)`,
  );
  const synced = await readControllerView(session);
  printView(synced, names, cluster);

  if (opts.keep) return keepRunning(avi);

  say(`  stopping avi-k8s sync (SIGTERM): exit ${await sync.stop()}`);
  heading(7, "destroy");
  say(`  before: ${countsLine(synced, cluster)}`);
  await engine.destroy();
  const after = await readControllerView(session);
  say(`  after:  ${countsLine(after, cluster)}`);
  for (const line of destroyReport(synced, after, cluster)) say(`  ${line}`);
  const foreignKept = after.routes.some(
    (r) => r.prefix === FOREIGN_ROUTE.prefix && r.nextHop === FOREIGN_ROUTE.nextHop,
  );
  const oursLeft =
    clusterRoutes(after, cluster).length + after.virtualServices.filter((v) => v.cluster === cluster).length;
  if (!foreignKept) throw new Error(`destroy removed the route ${FOREIGN_ROUTE.prefix} it does not own.`);
  if (oursLeft > 0) throw new Error(`destroy left ${oursLeft} of cluster ${cluster}'s objects on the controller.`);
  say(`  only our objects went away: the route placed by hand is still there.`);

  heading(8, "Topology picture");
  for (const f of pictures) {
    const rel = path.relative(process.cwd(), f);
    say(`  ${rel.startsWith("..") ? f : rel}`);
  }
}

/** --keep: the stack stays on the emulators (no destroy) until Ctrl-C, whose handler stops everything. */
function keepRunning(avi: AviEmulator): Promise<never> {
  say("\n== Kept running (--keep): no destroy; the emulators stay up until Ctrl-C");
  say(`  live view: ${avi.ui}`);
  say(`  log in as ${avi.username} with password ${avi.password} (this emulator's own, made at its start)`);
  if (avi.caFile)
    say(`  its certificate is signed by the emulator's CA (${avi.caFile}): accept it in the browser once`);
  return new Promise<never>(() => undefined);
}

async function main(): Promise<number> {
  let opts: DemoOptions;
  try {
    opts = parseOptions(process.argv.slice(2), process.env, process.cwd());
    if (opts.help) {
      say(USAGE);
      return 0;
    }
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const cleanup = cleanupStack();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`\ninterrupted (${signal}): stopping the emulators and the engine`);
    void cleanup.run().finally(() => {
      say("stopped.");
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // An error thrown outside the awaited chain (e.g. inside a Pulumi Output callback) would end the process without
  // cleanup and leave the provider host running: stop everything first.
  const onCrash = (e: unknown) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    void cleanup.run().finally(() => process.exit(1));
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  try {
    await runDemo(opts, cleanup);
    await cleanup.run();
    say("\nDemo finished; the emulators and the engine are stopped.");
    return 0;
  } catch (e) {
    if (interrupted) return new Promise<number>(() => undefined);
    await cleanup.run();
    process.stderr.write(`demo failed: ${(e as Error).message}\n`);
    return 1;
  } finally {
    if (!interrupted) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("uncaughtException", onCrash);
      process.off("unhandledRejection", onCrash);
    }
  }
}

main().then((code) => {
  process.exitCode = code;
});
