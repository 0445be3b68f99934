// `avi-k8s emulate [avi|kube] [...]`: start the emulators, print one JSON line each (with this process's pid), and
// run until SIGINT, SIGTERM or SIGHUP, or until the process that started it ends (parentWatch.ts); every way out
// stops the servers and removes their temporary files.
import { AVI_FIXTURES, type AviFixtureName, startAviEmulator } from "../emulator/avi";
import { type KubeEmulatorOptions, type NplFormat, startKubeEmulator } from "../emulator/kube";
import { parseCommandArgs, usageError } from "./args";
import { watchOwners } from "./parentWatch";

const HELP = `usage: avi-k8s emulate [avi|kube] [options]

  (no kind)          both emulators; the Kubernetes one seeded with the seed topology
  avi                the Avi Controller emulator; its live view is the page at / (the "ui" of its JSON line)
  kube               the Kubernetes API emulator

options:
  --port N           port to bind on 127.0.0.1 (default: a free port)
  --state DIR        avi: keep the controller's state in DIR (survives restarts)
  --http             avi: plain HTTP instead of HTTPS
  --fixture NAME     avi: start from a fixture: ako (AKO 2.2.1's objects and routes for the seed cluster) or
                     ako-foreign (ako plus another cluster, a hand-made route and an unmarked VS)
  --topology FILE    kube: a fixture in 'kubectl get -o yaml' List format (default: the seed topology)
  --ready-after-ms N       kube: pods started by the emulated kubelet turn Ready N ms after they run (default 0)
  --terminate-after-ms N   kube: pods deleted with a grace period stay Terminating N ms (default 0)
  --npl-format F           kube: NodePortLocal annotation format, v2 (default), v1.7 or v1.4

Each emulator prints one JSON line when it is ready. It runs until Ctrl-C, SIGTERM or SIGHUP, or until the
process that started it ends (npx and npm exec included), and removes its temporary files on the way out.`;

export async function runEmulate(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      port: { type: "string" },
      state: { type: "string" },
      http: { type: "boolean" },
      fixture: { type: "string" },
      topology: { type: "string" },
      "ready-after-ms": { type: "string" },
      "terminate-after-ms": { type: "string" },
      "npl-format": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (!parsed.ok) {
    console.error(usageError("emulate", parsed.message));
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const kind = positionals[0];
  if (kind !== undefined && kind !== "avi" && kind !== "kube") {
    console.error(usageError("emulate", `unknown emulator '${kind}' (expected avi or kube)`));
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    console.error(`avi-k8s emulate: --port must be an integer from 0 to 65535, got '${values.port}'`);
    return 2;
  }
  const kubeOptions = kubeBehaviour(values);
  if (typeof kubeOptions === "string") {
    console.error(`avi-k8s emulate: ${kubeOptions}`);
    return 2;
  }
  const fixture = values.fixture as AviFixtureName | undefined;
  if (fixture !== undefined && !AVI_FIXTURES.includes(fixture)) {
    console.error(`avi-k8s emulate: --fixture must be one of ${AVI_FIXTURES.join(", ")}, got '${fixture}'`);
    return 2;
  }
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    // Newest first, each once, whatever the others do.
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  // Signals and the owner watch are armed before the first server starts, so no way out leaves one behind.
  const ended = new Promise<string>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => resolve(signal));
    watchOwners((why) => resolve(why));
  });
  try {
    if (kind === undefined || kind === "avi") {
      // With both emulators, --port belongs to neither: two servers cannot share it.
      const avi = await startAviEmulator({
        port: kind ? port : undefined,
        stateDir: values.state as string | undefined,
        http: values.http === true,
        fixture,
      });
      stops.push(() => avi.stop());
      const ready = {
        kind: "avi",
        url: avi.url,
        ui: avi.ui,
        username: avi.username,
        password: avi.password,
        caFile: avi.caFile,
      };
      console.log(JSON.stringify({ ...ready, pid: process.pid }));
    }
    if (kind === undefined || kind === "kube") {
      const kube = await startKubeEmulator({
        port: kind ? port : undefined,
        topology: values.topology as string | undefined,
        ...kubeOptions,
      });
      stops.push(() => kube.stop());
      const ready = { kind: "kube", url: kube.url, kubeconfig: kube.kubeconfig, caFile: kube.caFile };
      console.log(JSON.stringify({ ...ready, pid: process.pid }));
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  const why = await ended;
  if (!why.startsWith("SIG")) console.error(`avi-k8s emulate: stopping: ${why}`);
  await stopAll();
  return 0;
}

/** The Kubernetes emulator's kubelet and NodePortLocal options from the command line, or what is wrong with them. */
function kubeBehaviour(values: Record<string, string | boolean | undefined>): KubeEmulatorOptions | string {
  const ms = (flag: string) => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : `--${flag} must be a whole number of milliseconds, got '${v}'`;
  };
  const ready = ms("ready-after-ms");
  const terminate = ms("terminate-after-ms");
  if (typeof ready === "string") return ready;
  if (typeof terminate === "string") return terminate;
  const format = values["npl-format"];
  if (format !== undefined && format !== "v2" && format !== "v1.7" && format !== "v1.4") {
    return `--npl-format must be v2, v1.7 or v1.4, got '${format}'`;
  }
  const out: KubeEmulatorOptions = { kubelet: { readyAfterMs: ready ?? 0, terminateAfterMs: terminate ?? 0 } };
  if (format) out.nodePortLocal = { format: format as NplFormat };
  return out;
}
