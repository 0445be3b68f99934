// `avi-k8s plan`: read-only. Reads pod placement from Kubernetes and prints the routes and pool servers an apply
// would want, and every conflict. The report is built in sections so a controller section (what the VRF and
// pools hold, and the change an apply would make) can be added beside the Kubernetes one: parse its options in
// parsePlanArgs, fill PlanReport.controller in runPlan, and render it in renderTable.
import { parseArgs } from "node:util";
import {
  AVI_ENVIRONMENT,
  type AviConnection,
  type ControllerPreview,
  createAviSession,
  formatControllerPreview,
  previewController,
  readCaBundle,
  type VirtualServiceSpec,
} from "../provider/avi";
import { type KubeConnection, KubeReadError, readPlacement, type ServiceRef } from "../provider/kube";
import {
  type CniChoice,
  type Conflict,
  type DesiredPool,
  type DesiredRoute,
  planPools,
  planRoutes,
  poolConflicts,
  validateCidr,
  validateClusterName,
  validateCni,
  virtualServiceName,
} from "../provider/plan";

const HELP = `usage: avi-k8s plan --cluster NAME [--kubeconfig FILE] [--context C] [options]

Reads nodes and services from Kubernetes (read-only) and prints the static routes and pool servers an apply
would want, with every conflict.

options:
  --cluster NAME          cluster name: route label clustername=NAME and object prefix NAME-- (required)
  --kubeconfig FILE       kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
  --context C             kubeconfig context (default: its current context)
  --in-cluster            use the pod's service account instead of a kubeconfig
  --cni C                 auto|default|calico|cilium|ovn-kubernetes|antrea|flannel|canal (default: auto)
  --node-networks CIDRS   comma-separated CIDRs of the node network the Service Engines use; the next hop is
                          the node address inside them (multi-NIC nodes)
  --service NS/NAME       a Service whose pool servers to print; repeatable
  --page-size N           items per list request (default 500)
  --json                  print the report as JSON

controller (read-only; also shows what an apply would change there and the foreign routes it keeps):
  --avi-controller URL    https://host[:port] of the Avi Controller (or AVI_CONTROLLER); without it the
                          controller is not read
  --avi-username U        (or AVI_USERNAME); the password or token comes only from AVI_PASSWORD / AVI_AUTH_TOKEN
  --avi-tenant T          (or AVI_TENANT; default admin)
  --avi-version V         X-Avi-Version, or "auto" for the controller's own (or AVI_VERSION)
  --avi-ca-bundle FILE    CA bundle that signed the controller certificate (or AVI_CA_BUNDLE)
  --avi-insecure          do not verify the controller certificate
  --vrf NAME              VRF context of the routes (default global)
  --avi-cloud NAME        cloud of the VRF, when several clouds have one of that name`;

export interface PlanArgs {
  cluster: string;
  connection: KubeConnection;
  cni: CniChoice;
  nodeNetworks: string[];
  services: ServiceRef[];
  pageSize?: number;
  json: boolean;
  /** Set when a controller was given: the plan then also reads it. */
  avi?: AviPlanTarget;
}

export interface AviPlanTarget {
  connection: AviConnection;
  vrf: string;
  cloud?: string;
}

export type ParsedPlanArgs = { kind: "args"; args: PlanArgs } | { kind: "help" } | { kind: "error"; message: string };

export function parsePlanArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedPlanArgs {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        cluster: { type: "string" },
        kubeconfig: { type: "string" },
        context: { type: "string" },
        "in-cluster": { type: "boolean" },
        cni: { type: "string" },
        "node-networks": { type: "string", multiple: true },
        service: { type: "string", multiple: true },
        "page-size": { type: "string" },
        json: { type: "boolean" },
        "avi-controller": { type: "string" },
        "avi-username": { type: "string" },
        "avi-tenant": { type: "string" },
        "avi-version": { type: "string" },
        "avi-ca-bundle": { type: "string" },
        "avi-insecure": { type: "boolean" },
        vrf: { type: "string" },
        "avi-cloud": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: "help" };
  const cluster = values.cluster as string | undefined;
  if (cluster === undefined) return { kind: "error", message: "--cluster NAME is required" };
  const clusterError = validateClusterName(cluster);
  if (clusterError) return { kind: "error", message: clusterError };
  const cni = (values.cni as string | undefined) ?? "auto";
  const cniError = validateCni(cni, "--cni");
  if (cniError) return { kind: "error", message: cniError };
  const nodeNetworks = ((values["node-networks"] as string[] | undefined) ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  for (const n of nodeNetworks) {
    const e = validateCidr(n, "--node-networks entry");
    if (e) return { kind: "error", message: e };
  }
  const services: ServiceRef[] = [];
  for (const s of (values.service as string[] | undefined) ?? []) {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(s);
    if (!m) return { kind: "error", message: `--service '${s}' must be NAMESPACE/NAME, e.g. default/web` };
    services.push({ namespace: m[1] as string, name: m[3] as string });
  }
  let pageSize: number | undefined;
  if (values["page-size"] !== undefined) {
    pageSize = Number(values["page-size"]);
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      return { kind: "error", message: `--page-size '${values["page-size"]}' must be a positive integer` };
    }
  }
  const connection: KubeConnection = {};
  if (values.kubeconfig) connection.kubeconfigPath = values.kubeconfig as string;
  if (values.context) connection.context = values.context as string;
  if (values["in-cluster"]) connection.inCluster = true;
  const args: PlanArgs = { cluster, connection, cni: cni as CniChoice, nodeNetworks, services, json: !!values.json };
  if (pageSize !== undefined) args.pageSize = pageSize;
  const avi = parseAviArgs(values, env);
  if (typeof avi === "string") return { kind: "error", message: avi };
  if (avi) args.avi = avi;
  return { kind: "args", args };
}

/** Controller settings from flags, else the AVI_* environment; secrets only ever from the environment. */
function parseAviArgs(
  values: Record<string, string | boolean | string[] | undefined>,
  env: NodeJS.ProcessEnv,
): AviPlanTarget | string | undefined {
  const pick = (flag: string, name: string) => (values[flag] as string | undefined) || env[name] || undefined;
  const controller = pick("avi-controller", AVI_ENVIRONMENT.controller);
  if (!controller) return undefined;
  if (!/^https?:\/\/[^/\s]+/.test(controller)) return `--avi-controller '${controller}' must be an https:// URL`;
  const username = pick("avi-username", AVI_ENVIRONMENT.username);
  if (!username) return "reading the controller needs --avi-username (or AVI_USERNAME)";
  const password = env[AVI_ENVIRONMENT.password] || undefined;
  const token = env[AVI_ENVIRONMENT.token] || undefined;
  if (!password && !token) return "reading the controller needs AVI_PASSWORD (or AVI_AUTH_TOKEN) in the environment";
  const connection: AviConnection = { controller, username };
  if (token) connection.token = token;
  else if (password) connection.password = password;
  const tenant = pick("avi-tenant", AVI_ENVIRONMENT.tenant);
  if (tenant) connection.tenant = tenant;
  const version = pick("avi-version", AVI_ENVIRONMENT.apiVersion);
  if (version) connection.apiVersion = version;
  const bundle = pick("avi-ca-bundle", AVI_ENVIRONMENT.caBundle);
  if (bundle) {
    try {
      connection.caCert = readCaBundle(bundle);
    } catch (err) {
      return `cannot read the CA bundle ${bundle}: ${(err as Error).message}`;
    }
  }
  if (values["avi-insecure"]) connection.insecure = true;
  const target: AviPlanTarget = { connection, vrf: (values.vrf as string | undefined) || "global" };
  const cloud = values["avi-cloud"] as string | undefined;
  if (cloud) target.cloud = cloud;
  return target;
}

export interface ServiceReport {
  namespace: string;
  name: string;
  virtualService: string;
  pools: DesiredPool[];
}

export interface PlanReport {
  cluster: string;
  cniSource: string;
  notes: string[];
  routes: DesiredRoute[];
  services: ServiceReport[];
  conflicts: Conflict[];
  /** Filled by the controller half of the command (what the controller holds and what an apply would change). */
  controller?: ControllerPreview;
}

/** The Kubernetes half of the report: placement read once, then planned by the pure functions. */
export async function buildKubeReport(args: PlanArgs): Promise<PlanReport> {
  const placement = await readPlacement(args.connection, {
    cni: args.cni,
    nodeNetworks: args.nodeNetworks,
    services: args.services,
    ...(args.pageSize !== undefined ? { pageSize: args.pageSize } : {}),
  });
  const routePlan = planRoutes(args.cluster, placement.nodes);
  const conflicts = [...routePlan.conflicts];
  const services = placement.services.map((svc) => {
    conflicts.push(...poolConflicts(svc));
    return {
      namespace: svc.namespace,
      name: svc.name,
      virtualService: virtualServiceName(args.cluster, svc.namespace, svc.name),
      pools: planPools(args.cluster, svc),
    };
  });
  return {
    cluster: args.cluster,
    cniSource: placement.cniSource,
    notes: placement.notes,
    routes: routePlan.routes,
    services,
    conflicts,
  };
}

function table(header: string[], rows: string[][], indent = "  "): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function renderTable(report: PlanReport): string {
  const out: string[] = [`Cluster ${report.cluster}, pod CIDRs from ${report.cniSource}`];
  if (report.notes.length > 0) out.push("", "Notes:", ...report.notes.map((n) => `  - ${n}`));
  out.push("", `Routes (${report.routes.length}):`);
  out.push(
    report.routes.length === 0
      ? "  none"
      : table(
          ["PREFIX", "NEXT HOP", "NODE", "ROUTE ID"],
          report.routes.map((r) => [r.prefix, r.nextHop, r.node, r.routeId]),
        ),
  );
  for (const s of report.services) {
    out.push("", `Service ${s.namespace}/${s.name} (virtual service ${s.virtualService}):`);
    for (const p of s.pools) {
      const enabled = p.servers.filter((x) => x.enabled).length;
      out.push(
        `  Pool ${p.name}: port ${p.servicePort}/${p.protocol}, ${p.servers.length} servers, ${enabled} enabled`,
      );
      if (p.servers.length > 0) {
        out.push(
          table(
            ["SERVER", "ENABLED", "NODE", "POD"],
            p.servers.map((x) => [
              x.ip.includes(":") ? `[${x.ip}]:${x.port}` : `${x.ip}:${x.port}`,
              x.enabled ? "yes" : "no",
              x.node ?? "-",
              x.pod ?? "-",
            ]),
            "    ",
          ),
        );
      }
    }
  }
  out.push("", `Conflicts (${report.conflicts.length}):`);
  out.push(
    ...(report.conflicts.length === 0 ? ["  none"] : report.conflicts.map((c) => `  - [${c.kind}] ${c.message}`)),
  );
  if (report.controller) out.push("", ...formatControllerPreview(report.controller));
  return out.join("\n");
}

export async function runPlan(argv: string[]): Promise<number> {
  const parsed = parsePlanArgs(argv);
  if (parsed.kind === "help") {
    console.log(HELP);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`avi-k8s plan: ${parsed.message}\n\n${HELP}`);
    return 2;
  }
  const { args } = parsed;
  let report: PlanReport;
  try {
    report = await buildKubeReport(args);
  } catch (err) {
    if (err instanceof KubeReadError) {
      console.error(`avi-k8s plan: ${err.message}`);
      return 1;
    }
    throw err;
  }
  if (args.avi) {
    try {
      report.controller = await readController(args.avi, report);
    } catch (err) {
      console.error(`avi-k8s plan: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  console.log(args.json ? JSON.stringify(report, null, 2) : renderTable(report));
  return 0;
}

/** The controller half: reads the VRF and each service's objects and compares them with the plan; never writes. */
async function readController(target: AviPlanTarget, report: PlanReport): Promise<ControllerPreview> {
  const session = createAviSession(target.connection);
  // The plan does not know the VIP settings: the VsVip is only looked up, its VIP is not compared.
  const specs: VirtualServiceSpec[] = report.services.map((s) => ({
    cluster: report.cluster,
    namespace: s.namespace,
    service: s.name,
    vip: {},
    ports: s.pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
    pools: s.pools,
    seGroupPolicy: "warn",
    compareVip: false,
  }));
  const routeTarget = {
    cluster: report.cluster,
    vrf: target.vrf,
    ...(target.connection.tenant ? { tenant: target.connection.tenant } : {}),
    ...(target.cloud ? { cloud: target.cloud } : {}),
  };
  try {
    return await previewController(session, routeTarget, report.routes, specs);
  } finally {
    await session.logout();
  }
}
