// The targets, judged from the rows of one run. Each is a `count` (fails the suite when missed) or a
// `timing` (reported by `npm run bench` only); see TargetKind.
import type { Report, Row, Target } from "./types";

export const PLAN_MS = 2000;
export const PLAN_MB = 200;
export const PROVIDER_BYTES = 2048;

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
  ];
}
