// The printed table: one line per measured step, printed as soon as the step ends.
import type { Comparison, Row } from "./types";

const COLUMNS: [string, number][] = [
  ["scenario", 15],
  ["resource", 12],
  ["svc", 4],
  ["step", 11],
  ["ms", 9],
  ["cpu ms", 8],
  ["peak MB", 8],
  ["kube calls", 10],
  ["kube KB", 9],
  ["avi R/W", 8],
  ["login", 5],
  ["sent KB", 9],
  ["recv KB", 9],
  ["notes", 0],
];

const kb = (n: number) => (n / 1024).toFixed(1);

function cells(values: string[]): string {
  return values.map((v, i) => (i < COLUMNS.length - 1 ? v.padEnd(COLUMNS[i]?.[1] ?? 0) : v)).join(" ");
}

export function header(): string {
  const names = COLUMNS.map(([n]) => n);
  return `${cells(names)}\n${"-".repeat(COLUMNS.reduce((n, [, w]) => n + w + 1, 0) + 20)}`;
}

function notes(r: Row): string {
  const parts = Object.entries(r.info).map(([k, v]) => `${k}=${v}`);
  const phases = Object.entries(r.phases).filter(([k]) => k !== "apply" || Object.keys(r.phases).length > 1);
  if (phases.length > 1) parts.push(phases.map(([k, v]) => `${k} ${v.toFixed(0)}ms`).join("/"));
  return parts.join(" ");
}

export function line(r: Row): string {
  return cells([
    r.scenario,
    r.resource,
    r.services === undefined ? "" : String(r.services),
    r.step,
    r.ms.toFixed(1),
    r.cpuMs.toFixed(0),
    r.peakRssMB.toFixed(0),
    String(r.kubeCalls),
    kb(r.kubeBytes),
    `${r.aviReads}/${r.aviWrites}`,
    String(r.aviLogins),
    kb(r.aviSentBytes),
    kb(r.aviReceivedBytes),
    notes(r),
  ]);
}

const ratio = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(2)}x`);

export function comparisonLine(c: Comparison): string {
  return (
    `${c.scenario.padEnd(15)} ${c.change.padEnd(40)} ours ${c.ours.apiCalls} api + ${c.ours.calls - c.ours.apiCalls} login calls, ` +
    `${kb(c.ours.sentBytes)} KB sent | AKO-style ${c.baseline.apiCalls} api calls, ${kb(c.baseline.sentBytes)} KB sent | ` +
    `ours/AKO: bytes ${ratio(c.bytesRatio)}, api calls ${ratio(c.apiCallsRatio)}, all calls ${ratio(c.callsRatio)}`
  );
}
