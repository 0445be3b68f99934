// `avi-k8s plan`: read-only. Reads pod placement from Kubernetes and prints the routes and pool servers an apply
// would want, and every conflict. The report is built in sections so a controller section (what the VRF and
// pools hold, and the change an apply would make) can be added beside the Kubernetes one: parse its options in
// parsePlanArgs, fill PlanReport.controller in runPlan, and render it in renderTable.
import {
  type AviConnection,
  type ControllerPreview,
  createAviSession,
  type FoundVirtualService,
  findVirtualService,
  formatControllerPreview,
  previewController,
  type VirtualServiceSpec,
} from "../provider/avi";
import { type KubeConnection, KubeReadError, readPlacement, type ServiceRef } from "../provider/kube";
import { type MigrationReport, renderMigration, routeMigration, serviceMigration } from "./migrate";
import {
  type CniChoice,
  type Conflict,
  type DesiredPool,
  type DesiredRoute,
  type Mode,
  parseSelector,
  planRoutes,
  planServicePools,
  validateCidr,
  validateClusterName,
  validateCni,
  virtualServiceName,
} from "../provider/plan";
import { parseCommandArgs, usageError } from "./args";
import {
  AVI_SETTINGS,
  flagHelp,
  KUBE_SETTINGS,
  kubeSourceProblems,
  resolveAvi,
  resolveKube,
  resolveMode,
  type SettingsSource,
  settingFlags,
  settingsFromEnv,
  settingsFromFlags,
  validateSettings,
} from "../provider/settings";

const HELP = `usage: avi-k8s plan --cluster NAME [--kubeconfig FILE] [--context C] [options]

Reads nodes and services from Kubernetes (read-only) and prints the static routes and pool servers an apply
would want, with every conflict.

options:
  --cluster NAME          cluster name: route label clustername=NAME and object prefix NAME-- (required)
  --cni C                 auto|default|calico|cilium|ovn-kubernetes|antrea|flannel|canal (default: auto)
  --node-networks CIDRS   comma-separated CIDRs of the node network the Service Engines use; the next hop is
                          the node address inside them (multi-NIC nodes)
  --service NS/NAME       a Service whose pool servers to print; repeatable
  --page-size N           items per list request (default 500)
  --json                  print the report as JSON
  -v, --verbose           also say how --cni auto chose the pod-CIDR source

kubernetes:
${flagHelp(KUBE_SETTINGS)}

controller (read-only; also shows what an apply would change there and the foreign routes it keeps; without a
controller URL it is not read; the password or token comes only from AVI_PASSWORD / AVI_AUTH_TOKEN):
${flagHelp(AVI_SETTINGS)}
  --vrf NAME              VRF context of the routes (default global)
  --avi-cloud NAME        cloud of the VRF, when several clouds have one of that name
  --migrate-from-ako      always print the migration section: what an import would adopt (with the import ids)
                          and what the first up after it would change; it is printed anyway when the controller
                          holds objects or route ids AKO made for the cluster`;

export interface PlanArgs {
  cluster: string;
  /** How the servers reach the pods (--mode, else AVI_K8S_MODE; default clusterip). */
  mode?: Mode;
  /** Mode nodeport: the nodes that get servers (--node-selector). */
  nodeSelector?: string;
  connection: KubeConnection;
  cni: CniChoice;
  nodeNetworks: string[];
  services: ServiceRef[];
  pageSize?: number;
  json: boolean;
  /** Also print how `cni: auto` chose its source. */
  verbose: boolean;
  /** Set when a controller was given: the plan then also reads it. */
  avi?: AviPlanTarget;
  /** Print the migration section even when nothing AKO made is found. */
  migrate?: boolean;
}

export interface AviPlanTarget {
  connection: AviConnection;
  vrf: string;
  cloud?: string;
}

export type ParsedPlanArgs = { kind: "args"; args: PlanArgs } | { kind: "help" } | { kind: "error"; message: string };

export function parsePlanArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedPlanArgs {
  const parsed = parseCommandArgs(argv, {
    cluster: { type: "string" },
    cni: { type: "string" },
    "node-networks": { type: "string", multiple: true },
    service: { type: "string", multiple: true },
    "page-size": { type: "string" },
    json: { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
    vrf: { type: "string" },
    "avi-cloud": { type: "string" },
    "migrate-from-ako": { type: "boolean" },
    help: { type: "boolean", short: "h" },
    ...settingFlags(),
  });
  if (!parsed.ok) return { kind: "error", message: parsed.message };
  const values = parsed.values;
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
  // Connection settings: flags, then the environment, through the same resolver the resources use.
  const sources: SettingsSource[] = [
    { kind: "flags", values: settingsFromFlags(values) },
    { kind: "env", values: settingsFromEnv(env) },
  ];
  const invalid = sources.flatMap((src) => [...validateSettings(src), ...kubeSourceProblems(src)]);
  if (invalid.length > 0) return { kind: "error", message: invalid.map((p) => p.reason).join(" ") };
  const { connection } = resolveKube(sources);
  const { mode, nodeSelector } = resolveMode(sources);
  const args: PlanArgs = {
    cluster,
    ...(mode !== "clusterip" ? { mode } : {}),
    ...(mode === "nodeport" && nodeSelector ? { nodeSelector } : {}),
    connection,
    cni: cni as CniChoice,
    nodeNetworks,
    services,
    json: !!values.json,
    verbose: !!values.verbose,
  };
  if (pageSize !== undefined) args.pageSize = pageSize;
  if (values["migrate-from-ako"]) {
    if (!sources.some((src) => src.values.controller)) {
      return {
        kind: "error",
        message: "--migrate-from-ako reads the controller: give --avi-controller (or AVI_CONTROLLER)",
      };
    }
    args.migrate = true;
  }
  // Without a controller URL the controller is not read; with one, every other setting it needs must be there.
  if (sources.some((src) => src.values.controller)) {
    const avi = resolveAvi(sources);
    if (!avi.connection) return { kind: "error", message: avi.problems.map((p) => p.reason).join(" ") };
    const target: AviPlanTarget = { connection: avi.connection, vrf: (values.vrf as string | undefined) || "global" };
    const cloud = values["avi-cloud"] as string | undefined;
    if (cloud) target.cloud = cloud;
    args.avi = target;
  }
  return { kind: "args", args };
}

export interface ServiceReport {
  namespace: string;
  name: string;
  virtualService: string;
  pools: DesiredPool[];
}

export interface PlanReport {
  cluster: string;
  mode?: Mode;
  cniSource: string;
  notes: string[];
  /** How `cni: auto` chose its source (printed with --verbose; always in --json). */
  detection: string[];
  routes: DesiredRoute[];
  services: ServiceReport[];
  conflicts: Conflict[];
  /** Filled by the controller half of the command (what the controller holds and what an apply would change). */
  controller?: ControllerPreview;
  /** What an import would adopt and what the first up after it would change (cli/migrate.ts). */
  migration?: MigrationReport;
  /** Whether the text form prints the migration section. */
  showMigration?: boolean;
}

/** The Kubernetes half of the report: placement read once, then planned by the pure functions. */
export async function buildKubeReport(args: PlanArgs): Promise<PlanReport> {
  const mode = args.mode ?? "clusterip";
  const placement = await readPlacement(args.connection, {
    cni: args.cni,
    nodeNetworks: args.nodeNetworks,
    services: args.services,
    podAnnotations: mode === "nodeportlocal",
    ...(args.pageSize !== undefined ? { pageSize: args.pageSize } : {}),
  });
  // Node-port modes keep no static routes: the plan wants none, so a controller preview shows this cluster's
  // routes going away (what switching a cluster's mode removes).
  const routePlan = mode === "clusterip" ? planRoutes(args.cluster, placement.nodes) : { routes: [], conflicts: [] };
  const conflicts: Conflict[] = [...routePlan.conflicts];
  const selector = args.nodeSelector ? parseSelector(args.nodeSelector) : undefined;
  const services = placement.services.map((svc) => {
    // The one computation of a Service's pools, as the resources and `avi-k8s sync` run it.
    const planned = planServicePools(args.cluster, svc, undefined, {
      mode,
      nodes: placement.nodes,
      ...(selector?.ok ? { nodeSelector: selector.requirements } : {}),
    });
    conflicts.push(...planned.conflicts);
    // What the resource's check() would refuse (a Service without node ports, without the NPL annotation).
    conflicts.push(...planned.failures.map((f) => ({ kind: "other" as const, message: f.reason })));
    return {
      namespace: svc.namespace,
      name: svc.name,
      virtualService: virtualServiceName(args.cluster, svc.namespace, svc.name),
      pools: planned.pools,
    };
  });
  const notes =
    mode === "clusterip"
      ? placement.notes
      : [
          `Mode ${mode}: the servers are node addresses${mode === "nodeport" ? " and node ports" : " and Antrea's per-pod node ports"}; no static routes (any this cluster has in the VRF go away).`,
          ...placement.notes,
        ];
  return {
    cluster: args.cluster,
    ...(mode !== "clusterip" ? { mode } : {}),
    cniSource: placement.cniSource,
    notes,
    detection: placement.detection,
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

export function renderTable(report: PlanReport, verbose = false): string {
  const out: string[] = [
    report.mode && report.mode !== "clusterip"
      ? `Cluster ${report.cluster}, mode ${report.mode}`
      : `Cluster ${report.cluster}, pod CIDRs from ${report.cniSource}`,
  ];
  if (verbose && report.detection.length > 0)
    out.push("", "How the pod-CIDR source was chosen:", ...report.detection.map((n) => `  - ${n}`));
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
  if (report.migration && report.showMigration) out.push("", ...renderMigration(report.migration));
  return out.join("\n");
}

export async function runPlan(argv: string[]): Promise<number> {
  const parsed = parsePlanArgs(argv);
  if (parsed.kind === "help") {
    console.log(HELP);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(usageError("plan", parsed.message));
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
      const { preview, migration } = await readController(args.avi, report);
      report.controller = preview;
      report.migration = migration;
      report.showMigration = !!args.migrate || migration.akoFound;
    } catch (err) {
      console.error(`avi-k8s plan: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  console.log(args.json ? JSON.stringify(report, null, 2) : renderTable(report, args.verbose));
  return 0;
}

/**
 * The controller half: reads the VRF and each service's objects and compares them with the plan; never writes.
 * A virtual service AKO made is previewed as an adopting apply would treat it; one the adoption rule refuses is
 * left out of the preview and shown refused in the migration section.
 */
async function readController(
  target: AviPlanTarget,
  report: PlanReport,
): Promise<{ preview: ControllerPreview; migration: MigrationReport }> {
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
  const tenant = target.connection.tenant ?? "admin";
  try {
    const found: (FoundVirtualService | undefined)[] = [];
    for (const spec of specs) {
      const name = virtualServiceName(spec.cluster, spec.namespace, spec.service);
      found.push(await findVirtualService(session, { tenant, name }, spec));
    }
    specs.forEach((spec, i) => {
      if (found[i]?.origin === "ako" && !found[i]?.problem) spec.adopt = true;
    });
    const usable = specs.filter((_spec, i) => !found[i]?.problem);
    const preview = await previewController(session, routeTarget, report.routes, usable);
    const routesId = `${tenant}/${target.cloud ?? "Default-Cloud"}/${target.vrf}/${report.cluster}`;
    const routes = routeMigration(report.cluster, routesId, preview.routes);
    const services = specs.map((spec, i) => {
      const name = virtualServiceName(spec.cluster, spec.namespace, spec.service);
      return serviceMigration(
        tenant,
        name,
        found[i],
        preview.services.find((p) => p.name === name),
      );
    });
    const akoFound = routes.renames.length > 0 || found.some((f) => f?.origin === "ako");
    return { preview, migration: { cluster: report.cluster, routes, services, akoFound } };
  } finally {
    await session.logout();
  }
}
