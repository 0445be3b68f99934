// A short markdown summary of a run (what the README's Benchmark section shows): routes per cluster, virtual
// services per cluster and count, and the targets.
import type { Report, Row } from "./types";

const kb = (n: number) => (n / 1024).toFixed(0);
const ms = (r: Row | undefined) => (r ? `${r.ms.toFixed(0)} (${r.cpuMs.toFixed(0)})` : "-");

function find(rows: Row[], scenario: string, resource: string, step: string, services?: number): Row | undefined {
  return rows.find(
    (r) => r.scenario === scenario && r.resource === resource && r.step === step && r.services === services,
  );
}

export function summaryMarkdown(report: Report): string {
  const rows = report.rows;
  const m = report.machine;
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const out: string[] = [
    `Taken ${report.finishedAt.slice(0, 10)} on ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGB} GB, Node ${m.node}` +
      `, load average ${m.loadAverage.join(" ")} at the start${report.quick ? " (quick run)" : ""}. ` +
      "Times are wall ms (CPU ms of the step's process); memory is the step process's peak RSS.",
    "",
    "| cluster | routes | check ms | peak MB | kube calls | create: sent KB | state B/route | node joins: R/W, sent KB | AKO-style node event: R/W, sent KB | no change: writes (AKO restart: sent KB) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const s of scenarios) {
    const check = find(rows, s, "routes", "check");
    const create = find(rows, s, "routes", "create");
    const node = find(rows, s, "routes", "update-node");
    const ako = find(rows, s, "ako-baseline", "update-node");
    const rerun = find(rows, s, "routes", "update-pod");
    const restart = find(rows, s, "ako-baseline", "restart");
    if (!check || !create || !node || !ako || !rerun || !restart) continue;
    out.push(
      `| ${s}, ${check.pods} pods | ${check.info.routes} | ${ms(check)} | ${check.peakRssMB.toFixed(0)} | ${check.kubeCalls} | ${kb(create.aviSentBytes)} | ${create.info.stateBytesPerRoute ?? "-"} | ` +
        `${node.aviReads}/${node.aviWrites}, ${kb(node.aviSentBytes)} | ${ako.aviReads}/${ako.aviWrites}, ${kb(ako.aviSentBytes)} | ` +
        `${rerun.aviWrites} (${kb(restart.aviSentBytes)}) |`,
    );
  }
  const vs = rows.filter((r) => r.resource === "vs" && r.step === "check");
  if (vs.length > 0) {
    out.push(
      "",
      "| cluster | services | check ms | peak MB | kube calls, KB | create: R/W + logins | a pod moves: update ms, R/W + logins | diff ms | state B/server |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const c of vs) {
      const n = c.services;
      const create = find(rows, c.scenario, "vs", "create", n);
      const pod = find(rows, c.scenario, "vs", "update-pod", n);
      const diff = find(rows, c.scenario, "vs", "diff", n);
      out.push(
        `| ${c.scenario}, ${c.pods} pods | ${n} | ${ms(c)} | ${c.peakRssMB.toFixed(0)} | ${c.kubeCalls}, ${kb(c.kubeBytes)} | ` +
          `${create ? `${create.aviReads}/${create.aviWrites} + ${create.aviLogins}` : "-"} | ` +
          `${pod ? `${ms(pod)}, ${pod.aviReads}/${pod.aviWrites} + ${pod.aviLogins}` : "-"} | ${ms(diff)} | ` +
          `${create?.info.stateBytesPerServer ?? "-"} |`,
      );
    }
  }
  if (report.sync && report.sync.length > 0) {
    out.push(
      "",
      "| avi-k8s sync | first full resync | rollout wave: pods (services) | event→ack p50 / p95 | pool writes per service | heartbeat storm: Node events, writes | CPU per 1,000 slice events | peak RSS |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const r of report.sync) {
      const w = r.rollout;
      const wave = w.services > 0 ? `${w.pods} (${w.services})` : "-";
      const lat = w.services > 0 ? `${(w.p50 * 1000).toFixed(0)} / ${(w.p95 * 1000).toFixed(0)} ms` : "-";
      const writes = w.services > 0 ? `${Math.min(...w.writesPerService)}–${Math.max(...w.writesPerService)}` : "-";
      const storm = r.heartbeat ? `${r.heartbeat.nodeEvents}, ${r.heartbeat.writes}` : "-";
      out.push(
        `| ${r.nodes} nodes, ${r.pods} pods, ${r.services} services | ${(r.firstResyncMs / 1000).toFixed(1)} s | ${wave} | ${lat} | ${writes} | ${storm} | ${r.churn.cpuMsPer1000.toFixed(0)} ms | ${r.peakRssMB.toFixed(0)} MB${r.peakRssUncappedMB !== undefined ? ` (${r.peakRssUncappedMB.toFixed(0)} MB uncapped)` : ""} |`,
      );
    }
  }
  out.push("", "| target | result | figures |", "|---|---|---|");
  for (const t of report.targets) out.push(`| ${t.name} | ${t.pass ? "PASS" : "FAIL"} | ${t.detail} |`);
  out.push(
    "",
    `Serialized provider per resource with the package installed: ClusterIpRoutes ${report.providerSize.routes} B, ` +
      `ClusterIpVirtualService ${report.providerSize.virtualService} B.`,
  );
  const lv = report.liveView;
  if (lv && "skipped" in lv) out.push("", `Live view: not measured (${lv.skipped}).`);
  else if (lv) {
    out.push(
      "",
      `Live view (headless Chromium) at ${lv.servers} pool servers, ${lv.routes} routes, ${lv.virtualServices} virtual services: ` +
        `first contentful paint ${lv.firstContentfulPaintMs.toFixed(0)} ms, data painted ${lv.dataPaintedMs.toFixed(0)} ms ` +
        `(median of ${lv.loads}); state ${(lv.stateBytes / 1024).toFixed(0)} KB, ${lv.domElements} DOM elements; ` +
        `a pool write shown ${lv.writeShownMs.toFixed(0)} ms after its acknowledgement.`,
    );
  }
  return out.join("\n");
}
