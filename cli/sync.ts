// `avi-k8s sync --cluster NAME`: keeps the pool servers and static routes of this cluster's resources in
// membership "sync" mode current between Pulumi runs (provider/sync). Kubernetes flags as `avi-k8s plan` has them;
// the controller from the same settings (flags, then AVI_* environment; the password or token only from
// AVI_PASSWORD / AVI_AUTH_TOKEN). Runs until SIGTERM or SIGINT, then releases its Lease and exits 0.
import * as fs from "node:fs";
import { parseCommandArgs, usageError } from "./args";
import { DEFAULT_LOAD_BALANCER_CLASS, validateClusterName, validateLoadBalancerClass } from "../provider/plan";
import {
  AVI_SETTINGS,
  flagHelp,
  KUBE_SETTINGS,
  kubeSourceProblems,
  resolveAvi,
  resolveKube,
  type SettingsSource,
  settingFlags,
  settingsFromEnv,
  settingsFromFlags,
  validateSettings,
} from "../provider/settings";
import {
  consoleLog,
  defaultIdentity,
  defaultLeaseName,
  parseListen,
  type SyncOptions,
  startSync,
} from "../provider/sync";

export const DEFAULT_LISTEN = "127.0.0.1:8080";
const NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

const HELP = `usage: avi-k8s sync --cluster NAME [--kubeconfig FILE | --in-cluster] [options]

Keeps the pool servers and static routes of cluster NAME current between Pulumi runs: the pools its resources
created with membership "sync" (marker membership=sync) and the routes of its ClusterIpRoutes in sync mode. It
watches the EndpointSlices of those Services, the Services, the Nodes and the CNI's pod-CIDR objects (and, for
pools of mode nodeportlocal, their namespaces' pods), and writes only members (GET + merge + PUT with _last_modified); it never creates or deletes an object. Runs until SIGTERM
or SIGINT.

options:
  --cluster NAME            cluster name, as the resources' cluster (required)
  --resync DURATION         full resync period (default 10m)
  --listen HOST:PORT        /healthz, /readyz and /metrics (default ${DEFAULT_LISTEN}; in a pod 0.0.0.0:8080);
                            /readyz is 200 on the leader once its first full pass is done, and on a follower
                            while it watches the Lease (standing by); /healthz is liveness only
  --no-leader-elect         run alone, without a Lease (a single local run)
  --lease-namespace NS      the Lease's namespace (default: the pod's, else "default")
  --lease-name NAME         the Lease's name (default avi-k8s-sync-<cluster>; a cluster name with capitals
                            or '_' is lowercased, '_' as '-', plus a short hash of it)
  --identity ID             this replica's name in the Lease (default POD_NAME, else hostname-pid)
  --lease-duration D        how long a Lease holds without renewal (default 15s)
  --renew-deadline D        how long the holder keeps writing without a renewal (default 10s)
  --retry-period D          how often the holder renews and candidates look (default 2s)
  --debounce D              quiet time that ends a burst of events for one Service (default 100ms)
  --max-delay D             the longest a burst is held (default 500ms)
  --discovery D             how often the controller is asked for new work (default 30s)
  --concurrency N           Services or routes written at once (default 8)
  --page-size N             items per list request (default 500)
  --load-balancer-class C   the class this package answers to (default ${DEFAULT_LOAD_BALANCER_CLASS}); the VIP is
                            written to the status of LoadBalancer Services without a class or with this one
  --no-kube-status          members only: no readiness gate, status write-back or Events

kubernetes (each pool's mode and node selector are the ones its resource recorded on it, not flags):
${flagHelp(KUBE_SETTINGS.filter((k) => k !== "mode" && k !== "nodeSelector"))}

controller (the password or token comes only from AVI_PASSWORD / AVI_AUTH_TOKEN):
${flagHelp(AVI_SETTINGS)}

durations: 500ms, 30s, 10m, 1h, 1m30s.`;

/** "10m", "1m30s", "500ms" -> milliseconds; undefined when it is not a duration. */
export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    ms += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  }
  return ms > 0 ? Math.round(ms) : undefined;
}

export type ParsedSyncArgs =
  | { kind: "args"; options: SyncOptions }
  | { kind: "help" }
  | { kind: "error"; message: string };

function podNamespace(): string | undefined {
  try {
    return fs.readFileSync(NAMESPACE_FILE, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function parseSyncArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedSyncArgs {
  const parsed = parseCommandArgs(argv, {
    cluster: { type: "string" },
    resync: { type: "string" },
    listen: { type: "string" },
    "no-leader-elect": { type: "boolean" },
    "lease-namespace": { type: "string" },
    "lease-name": { type: "string" },
    identity: { type: "string" },
    "lease-duration": { type: "string" },
    "renew-deadline": { type: "string" },
    "retry-period": { type: "string" },
    debounce: { type: "string" },
    "max-delay": { type: "string" },
    discovery: { type: "string" },
    concurrency: { type: "string" },
    "page-size": { type: "string" },
    "load-balancer-class": { type: "string" },
    "no-kube-status": { type: "boolean" },
    help: { type: "boolean", short: "h" },
    ...settingFlags(),
  });
  if (!parsed.ok) return { kind: "error", message: parsed.message };
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  for (const flag of ["mode", "node-selector"]) {
    if (values[flag] !== undefined) {
      return {
        kind: "error",
        message: `--${flag} is not a sync option: each pool carries the mode and node selector its resource planned it with (markers mode, nodeselector), and the sync follows them`,
      };
    }
  }
  const cluster = values.cluster as string | undefined;
  if (cluster === undefined) return { kind: "error", message: "--cluster NAME is required" };
  const clusterError = validateClusterName(cluster);
  if (clusterError) return { kind: "error", message: clusterError };
  const durations: Record<string, number> = {};
  const defaults: Record<string, string> = {
    resync: "10m",
    "lease-duration": "15s",
    "renew-deadline": "10s",
    "retry-period": "2s",
    debounce: "100ms",
    "max-delay": "500ms",
    discovery: "30s",
  };
  for (const [flag, def] of Object.entries(defaults)) {
    const raw = (values[flag] as string | undefined) ?? def;
    const ms = parseDuration(raw);
    if (ms === undefined)
      return { kind: "error", message: `--${flag} '${raw}' is not a duration such as 30s, 10m or 500ms` };
    durations[flag] = ms;
  }
  if ((durations["renew-deadline"] as number) >= (durations["lease-duration"] as number)) {
    return { kind: "error", message: "--renew-deadline must be shorter than --lease-duration" };
  }
  const ints: Record<string, number> = {};
  for (const [flag, def] of [
    ["concurrency", 8],
    ["page-size", 500],
  ] as const) {
    const raw = values[flag] as string | undefined;
    const n = raw === undefined ? def : Number(raw);
    if (!Number.isInteger(n) || n < 1)
      return { kind: "error", message: `--${flag} '${raw}' must be a positive integer` };
    ints[flag] = n;
  }
  const lbClass = values["load-balancer-class"] as string | undefined;
  if (lbClass !== undefined) {
    const bad = validateLoadBalancerClass(lbClass, "--load-balancer-class");
    if (bad) return { kind: "error", message: bad };
  }
  const listen = (values.listen as string | undefined) ?? DEFAULT_LISTEN;
  try {
    parseListen(listen);
  } catch (err) {
    return { kind: "error", message: (err as Error).message };
  }
  const sources: SettingsSource[] = [
    { kind: "flags", values: settingsFromFlags(values) },
    { kind: "env", values: settingsFromEnv(env) },
  ];
  const invalid = sources.flatMap((src) => [...validateSettings(src), ...kubeSourceProblems(src)]);
  if (invalid.length > 0) return { kind: "error", message: invalid.map((p) => p.reason).join(" ") };
  const avi = resolveAvi(sources);
  if (!avi.connection) return { kind: "error", message: avi.problems.map((p) => p.reason).join(" ") };
  const options: SyncOptions = {
    cluster,
    kube: resolveKube(sources).connection,
    avi: avi.connection,
    listen,
    resyncMs: durations.resync as number,
    discoveryMs: durations.discovery as number,
    quietMs: durations.debounce as number,
    maxDelayMs: durations["max-delay"] as number,
    concurrency: ints.concurrency as number,
    pageSize: ints["page-size"] as number,
    ...(lbClass ? { loadBalancerClass: lbClass } : {}),
    ...(values["no-kube-status"] ? { kubeSide: false } : {}),
    leaderElection: values["no-leader-elect"]
      ? false
      : {
          namespace: (values["lease-namespace"] as string | undefined) || podNamespace() || "default",
          name: (values["lease-name"] as string | undefined) || defaultLeaseName(cluster),
          identity: (values.identity as string | undefined) || defaultIdentity(env),
          leaseDurationMs: durations["lease-duration"] as number,
          renewDeadlineMs: durations["renew-deadline"] as number,
          retryPeriodMs: durations["retry-period"] as number,
        },
  };
  return { kind: "args", options };
}

export async function runSync(argv: string[]): Promise<number> {
  const parsed = parseSyncArgs(argv);
  if (parsed.kind === "help") {
    console.log(HELP);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(usageError("sync", parsed.message));
    return 2;
  }
  const o = parsed.options;
  const log = consoleLog();
  let handle: Awaited<ReturnType<typeof startSync>>;
  try {
    handle = await startSync({ ...o, log });
  } catch (err) {
    console.error(`avi-k8s sync: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const le = o.leaderElection;
  log(
    `avi-k8s sync: cluster ${o.cluster}, controller ${o.avi.controller} (tenant ${o.avi.tenant ?? "admin"}), ` +
      `${le ? `Lease ${le.namespace}/${le.name} as ${le.identity}` : "no leader election"}, ` +
      `health on ${handle.url ?? "(none)"} (/healthz /readyz /metrics)`,
  );
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      log(`avi-k8s sync: ${signal}: stopping`);
      const force = setTimeout(() => resolve(1), 10_000);
      force.unref();
      handle.stop().then(
        () => {
          clearTimeout(force);
          log("avi-k8s sync: stopped");
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(force);
          log(`avi-k8s sync: stopping failed: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
