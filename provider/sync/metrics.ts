// The sync's metrics in the Prometheus text exposition format (version 0.0.4), written by hand: a handful of
// counters, gauges and one histogram do not need a client library.

/** Seconds; fine around the targets (p50 0.5 s, p95 2 s) so quantiles interpolate well. */
export const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

export interface Histogram {
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

export interface SyncMetrics {
  latency: Histogram;
  /** Acknowledged writes by kind ("pool", "routes"). */
  writes: Record<string, number>;
  /** PUTs that met 412 and were read and merged again. */
  conflicts: number;
  /** Failed reads or writes by where ("kubernetes", "controller"). */
  errors: Record<string, number>;
  /** Watch events by kind and whether the change filter dropped them. */
  events: Record<string, { passed: number; dropped: number }>;
  leader: number;
  lastFullResync: number;
  fullResyncs: number;
  managedPools: number;
  managedRouteSets: number;
}

export function newMetrics(): SyncMetrics {
  return {
    latency: { buckets: LATENCY_BUCKETS, counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 },
    writes: { pool: 0, routes: 0 },
    conflicts: 0,
    errors: { kubernetes: 0, controller: 0 },
    events: {},
    leader: 0,
    lastFullResync: 0,
    fullResyncs: 0,
    managedPools: 0,
    managedRouteSets: 0,
  };
}

export function observe(h: Histogram, seconds: number): void {
  h.sum += seconds;
  h.count++;
  for (let i = 0; i < h.buckets.length; i++) if (seconds <= (h.buckets[i] as number)) (h.counts[i] as number)++;
}

export function countEvent(m: SyncMetrics, kind: string, dropped: boolean): void {
  const e = m.events[kind] ?? { passed: 0, dropped: 0 };
  m.events[kind] = e;
  if (dropped) e.dropped++;
  else e.passed++;
}

/** The q-quantile (0..1) by linear interpolation inside its bucket, as PromQL's histogram_quantile does. */
export function quantile(h: Histogram, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const rank = q * h.count;
  let prevBound = 0;
  let prevCount = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const c = h.counts[i] as number;
    const bound = h.buckets[i] as number;
    if (c >= rank) return prevBound + ((bound - prevBound) * (rank - prevCount)) / Math.max(1, c - prevCount);
    prevBound = bound;
    prevCount = c;
  }
  return Number.POSITIVE_INFINITY;
}

const P = "avi_k8s_sync";

export function renderMetrics(m: SyncMetrics, process: { rssBytes: number; cpuSeconds: number }): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  family(
    `${P}_event_to_write_seconds`,
    "histogram",
    "Time from a Kubernetes event to the controller acknowledging the write that carried it.",
  );
  m.latency.buckets.forEach((b, i) => {
    out.push(`${P}_event_to_write_seconds_bucket{le="${b}"} ${m.latency.counts[i]}`);
  });
  out.push(`${P}_event_to_write_seconds_bucket{le="+Inf"} ${m.latency.count}`);
  out.push(`${P}_event_to_write_seconds_sum ${m.latency.sum.toFixed(6)}`);
  out.push(`${P}_event_to_write_seconds_count ${m.latency.count}`);
  family(`${P}_writes_total`, "counter", "Writes the controller acknowledged, by object kind.");
  for (const [kind, n] of Object.entries(m.writes)) out.push(`${P}_writes_total{kind="${kind}"} ${n}`);
  family(
    `${P}_conflict_retries_total`,
    "counter",
    "Writes that met 412 (changed by someone else since read) and were merged again.",
  );
  out.push(`${P}_conflict_retries_total ${m.conflicts}`);
  family(`${P}_errors_total`, "counter", "Failed reads or writes, by where they failed.");
  for (const [where, n] of Object.entries(m.errors)) out.push(`${P}_errors_total{where="${where}"} ${n}`);
  family(
    `${P}_watch_events_total`,
    "counter",
    "Watch events by kind; result dropped means the change filter found nothing we write.",
  );
  for (const [kind, e] of Object.entries(m.events)) {
    out.push(`${P}_watch_events_total{kind="${kind}",result="passed"} ${e.passed}`);
    out.push(`${P}_watch_events_total{kind="${kind}",result="dropped"} ${e.dropped}`);
  }
  family(`${P}_leader`, "gauge", "1 while this replica holds the Lease (or runs without leader election), else 0.");
  out.push(`${P}_leader ${m.leader}`);
  family(`${P}_last_full_resync_timestamp_seconds`, "gauge", "Unix time the last full resync finished (0: none yet).");
  out.push(`${P}_last_full_resync_timestamp_seconds ${(m.lastFullResync / 1000).toFixed(3)}`);
  family(`${P}_full_resyncs_total`, "counter", "Full resyncs finished.");
  out.push(`${P}_full_resyncs_total ${m.fullResyncs}`);
  family(`${P}_managed_pools`, "gauge", "Pools in membership sync mode this replica keeps.");
  out.push(`${P}_managed_pools ${m.managedPools}`);
  family(`${P}_managed_route_sets`, "gauge", "Routes records (cluster, VRF) this replica keeps.");
  out.push(`${P}_managed_route_sets ${m.managedRouteSets}`);
  family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.push(`process_resident_memory_bytes ${process.rssBytes}`);
  family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  out.push(`process_cpu_seconds_total ${process.cpuSeconds.toFixed(3)}`);
  return `${out.join("\n")}\n`;
}
