// The command line the in-cluster sync runs with, and the checks on the component's plain-value arguments. Pure
// functions with no Pulumi or Kubernetes import, so the sync's own tests can parse what the component renders.
import { validateClusterName } from "../provider/plan/validate";
import { SETTINGS } from "../provider/settings";

export { defaultLeaseName, SYNC_NODE_OPTIONS } from "../provider/sync/runtime";

/** The port the sync serves /healthz, /readyz and /metrics on inside the pod. */
export const LISTEN_PORT = 8080;
export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const METRICS_PATH = "/metrics";
/** Where a given CA bundle is mounted, and the key (file name) it is stored under. */
export const CA_DIR = "/etc/avi-k8s/ca";
export const CA_KEY = "ca.crt";
export const DEFAULT_RESYNC = "10m";
export const DEFAULT_NAMESPACE = "avi-k8s";

/** Plain values of everything the sync's command line carries (secrets never do: they come from the Secret). */
export interface SyncCommandValues {
  cluster: string;
  leaseNamespace: string;
  leaseName: string;
  resync: string;
  controller: string;
  tenant?: string;
  apiVersion?: string;
  /** Path of the mounted CA bundle inside the pod. */
  caFile?: string;
  insecure?: boolean;
  /** `--load-balancer-class`, when not the default. */
  loadBalancerClass?: string;
}

const flag = (name: string | undefined) => `--${name}`;

/** The container's args (the image's ENTRYPOINT is `avi-k8s sync`). */
export function syncCommandLine(v: SyncCommandValues): string[] {
  const args = [
    "--cluster",
    v.cluster,
    flag(SETTINGS.inCluster.flag),
    "--listen",
    `0.0.0.0:${LISTEN_PORT}`,
    "--resync",
    v.resync,
    "--lease-namespace",
    v.leaseNamespace,
    "--lease-name",
    v.leaseName,
    flag(SETTINGS.controller.flag),
    v.controller,
  ];
  if (v.tenant) args.push(flag(SETTINGS.tenant.flag), v.tenant);
  if (v.apiVersion) args.push(flag(SETTINGS.apiVersion.flag), v.apiVersion);
  if (v.caFile) args.push(flag(SETTINGS.caBundle.flag), v.caFile);
  if (v.insecure) args.push(flag(SETTINGS.insecure.flag));
  if (v.loadBalancerClass) args.push("--load-balancer-class", v.loadBalancerClass);
  return args;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Go's time.ParseDuration units, as Kubernetes tools take durations (e.g. "10m", "1h30m", "45s"). */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Field-named problems of the arguments known at construction (Outputs are checked by the API server). */
export function syncArgProblems(v: {
  name: string;
  cluster?: unknown;
  namespace?: unknown;
  leaseName?: unknown;
  resync?: unknown;
  controller?: unknown;
  username?: unknown;
  image?: unknown;
  hasPassword: boolean;
  hasToken: boolean;
  replicas?: number;
}): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(v.name) || v.name.length > 63) {
    problems.push(
      `the name '${v.name}' names its Deployment, ServiceAccount and Role: use lowercase letters, digits and '-' (at most 63).`,
    );
  }
  if (typeof v.cluster === "string") {
    const e = validateClusterName(v.cluster);
    if (e) problems.push(`cluster: ${e}`);
  }
  if (typeof v.namespace === "string" && (!DNS_LABEL.test(v.namespace) || v.namespace.length > 63)) {
    problems.push(`namespace '${v.namespace}' is not a Kubernetes namespace name (lowercase letters, digits, '-').`);
  }
  if (typeof v.leaseName === "string" && (!DNS_SUBDOMAIN.test(v.leaseName) || v.leaseName.length > 253)) {
    problems.push(`leaseName '${v.leaseName}' is not a Kubernetes object name (lowercase letters, digits, '-', '.').`);
  }
  if (typeof v.resync === "string" && !DURATION.test(v.resync)) {
    problems.push(`resync '${v.resync}' is not a duration such as 10m, 30s or 1h30m.`);
  }
  if (v.image === undefined || v.image === "") problems.push("image is required (see the Dockerfile).");
  if (v.controller === undefined) problems.push("avi.controller is required.");
  if (v.username === undefined || v.username === "") problems.push("avi.username is required.");
  if (typeof v.controller === "string") {
    const e = SETTINGS.controller.check(v.controller, "avi.controller");
    if (e) problems.push(e);
  }
  if (!v.hasPassword && !v.hasToken) problems.push("avi.password or avi.token is required (as a secret).");
  if (v.hasPassword && v.hasToken) problems.push("give avi.password or avi.token, not both.");
  if (v.replicas !== undefined && (!Number.isInteger(v.replicas) || v.replicas < 1)) {
    problems.push(`replicas must be a positive integer, got ${v.replicas}.`);
  }
  return problems;
}
