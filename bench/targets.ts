// The targets, judged from the rows of one run. Each is a `count` (fails the suite when missed) or a
// `timing` (reported by `npm run bench` only); see TargetKind.
import type { Report, Row, Target } from "./types";

export const PLAN_MS = 2000;
export const PLAN_MB = 200;
export const PROVIDER_BYTES = 2048;
/** One shared controller session per provider process: logins per `up`, whatever the number of services. */
export const LOGINS_PER_UP = 2;
/** Routes in the state (checked inputs and outputs together), per route. */
export const STATE_BYTES_PER_ROUTE = 80;

function largest(rows: Row[]): number {
  return Math.max(0, ...rows.map((r) => r.nodes));
}

/** "a, b: figures; c: other figures": scenarios with the same figures named together. */
function grouped(rows: Row[], figures: (r: Row) => string): string {
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(figures(r), [...(by.get(figures(r)) ?? []), r.scenario]);
  return [...by].map(([f, names]) => `${names.join(", ")}: ${f}`).join("; ");
}

export function evaluateTargets(report: Pick<Report, "rows" | "providerSize">): Target[] {
  const rows = report.rows;
  const top = largest(rows);
  const at = top === 5000 ? "5,000 nodes" : `${top} nodes (quick run; the target is set for 5,000)`;
  const plans = rows.filter((r) => r.resource === "routes" && r.step === "check" && r.nodes === top);
  const nodeChanges = rows.filter((r) => r.resource === "routes" && r.step === "update-node");
  const reads = rows.filter((r) => r.resource === "vs" && r.step === "check");
  const reruns = rows.filter((r) => r.resource === "routes" && r.step === "update-pod");
  const { routes, virtualService } = report.providerSize;
  // An `up` of the virtual services is one step process: create (after check), or check + diff + update.
  const ups = rows.filter(
    (r) => (r.resource === "vs" || r.resource === "routes") && ["create", "update-node", "update-pod"].includes(r.step),
  );
  const stored = rows.filter((r) => r.resource === "routes" && r.step === "create");
  const nodePorts = rows.filter((r) => r.resource === "vs-nodeport" && r.step === "check");
  const nodePortTop = nodePorts.filter((r) => r.nodes === top);
  const perRoute = (r: Row) => Number(r.info.stateBytesPerRoute ?? Number.POSITIVE_INFINITY);
  return [
    {
      kind: "timing",
      name: `routes planned for ${at} in ${PLAN_MS / 1000} s or less with ${PLAN_MB} MB or less`,
      pass: plans.length > 0 && plans.every((r) => r.ms <= PLAN_MS && r.peakRssMB <= PLAN_MB),
      detail: plans
        .map((r) => `${r.scenario}: ${r.ms.toFixed(0)} ms, ${r.peakRssMB.toFixed(0)} MB peak, ${r.kubeCalls} API calls`)
        .join("; "),
    },
    {
      kind: "count",
      name: "a one-node change costs at most one read and one write to the controller",
      pass: nodeChanges.length > 0 && nodeChanges.every((r) => r.aviReads <= 1 && r.aviWrites <= 1),
      detail: grouped(nodeChanges, (r) => `${r.aviReads} read, ${r.aviWrites} write (+${r.aviSession} login/logout)`),
    },
    {
      kind: "count",
      name: "reading one service's placement never lists every pod",
      pass: reads.length > 0 && reads.every((r) => !r.kubeListedPods && !r.kubeAllSlices),
      detail: reads
        .filter((r) => r.services === Math.min(...reads.map((x) => x.services ?? 0)) && r.nodes === top)
        .map(
          (r) =>
            `${r.scenario} (${r.pods} pods): ${r.ms.toFixed(0)} ms, ${r.peakRssMB.toFixed(0)} MB peak, ${r.kubeCalls} API calls, ${(r.kubeBytes / 1024).toFixed(0)} KB${r.kubeListedPods || r.kubeAllSlices ? ", LISTED ALL" : ", no pod list"}`,
        )
        .concat(
          `${reads.filter((r) => r.kubeListedPods || r.kubeAllSlices).length} of ${reads.length} check steps listed pods or every slice`,
        )
        .join("; "),
    },
    {
      kind: "count",
      name: "a run with no route change writes no route",
      pass: reruns.length > 0 && reruns.every((r) => r.aviWrites === 0),
      detail: grouped(reruns, (r) => `${r.aviReads} read, ${r.aviWrites} write`),
    },
    {
      kind: "count",
      name: `serialized provider ${PROVIDER_BYTES / 1024} KB or less per resource`,
      pass: routes > 0 && virtualService > 0 && routes <= PROVIDER_BYTES && virtualService <= PROVIDER_BYTES,
      detail:
        `installed package: ClusterIpRoutes ${routes} B, ClusterIpVirtualService ${virtualService} B` +
        ` (this checkout, serialized by value: ${report.providerSize.checkout.routes} B, ${report.providerSize.checkout.virtualService} B)`,
    },
    {
      kind: "count",
      name: `at most ${LOGINS_PER_UP} controller logins per \`up\`, whatever the number of services`,
      pass: ups.length > 0 && ups.every((r) => (r.aviLogins ?? Number.POSITIVE_INFINITY) <= LOGINS_PER_UP),
      detail: grouped(
        ups.filter((r) => r.resource === "vs"),
        (r) =>
          `${r.aviLogins} login${r.aviLogins === 1 ? "" : "s"} for ${r.services} service${r.services === 1 ? "" : "s"} (${r.step})`,
      ),
    },
    {
      kind: "count",
      name: `routes stored in at most ${STATE_BYTES_PER_ROUTE} B each (checked inputs and outputs together)`,
      pass: stored.length > 0 && stored.every((r) => perRoute(r) <= STATE_BYTES_PER_ROUTE),
      detail: stored.map((r) => `${r.scenario}: ${perRoute(r)} B/route, ${r.info.routes} routes`).join("; "),
    },
    {
      kind: "timing",
      name: `NodePort servers planned for ${at} within the same ${PLAN_MS / 1000} s and ${PLAN_MB} MB`,
      pass: nodePortTop.length > 0 && nodePortTop.every((r) => r.ms <= PLAN_MS && r.peakRssMB <= PLAN_MB),
      detail: nodePortTop
        .map((r) => `${r.scenario}: ${r.ms.toFixed(0)} ms, ${r.peakRssMB.toFixed(0)} MB peak, ${r.kubeCalls} API calls`)
        .join("; "),
    },
    {
      kind: "count",
      name: "NodePort: one server per node and Service port, read without listing pods",
      pass:
        nodePorts.length > 0 &&
        nodePorts.every((r) => r.info.servers === r.nodes && !r.kubeListedPods && !r.kubeAllSlices),
      detail: grouped(nodePorts, (r) => `${r.info.servers} servers for ${r.nodes} nodes × 1 port`),
    },
  ];
}
