// The sync's log lines: one per change written, saying what changed and how long after the Kubernetes event the
// controller acknowledged it; plus warnings and lifecycle lines. Plain text with an ISO time, one line each.
import type { RouteChange } from "../plan";
import type { PoolOutcome } from "./work";

export type Log = (line: string) => void;

export function consoleLog(stream: NodeJS.WritableStream = process.stdout): Log {
  return (line) => stream.write(`${new Date().toISOString()} ${line}\n`);
}

/** "event→ack 231 ms (3 events)", or "full resync" when no event led to the write. */
export function latencyText(oldestEventAt: number | undefined, events: number, ackAt: number): string {
  if (oldestEventAt === undefined) return "full resync";
  return `event→ack ${ackAt - oldestEventAt} ms (${events} event${events === 1 ? "" : "s"})`;
}

export function poolLine(o: PoolOutcome, when: string): string {
  const parts = [`+${o.added} added`, `-${o.removed} removed`];
  if (o.disabled > 0) parts.push(`${o.disabled} disabled`);
  if (o.enabled > 0) parts.push(`${o.enabled} enabled`);
  const retried = o.conflicts > 0 ? `, ${o.conflicts} 412 retr${o.conflicts === 1 ? "y" : "ies"}` : "";
  const took = `read ${o.readMs} ms, write ${o.writeMs} ms`;
  return `pool ${o.pool.name} (service ${o.pool.namespace}/${o.pool.service}): ${parts.join(", ")}; ${o.servers} servers; ${when}; ${took}${retried}`;
}

export function routesLine(cluster: string, vrf: string, c: RouteChange, routes: number, when: string): string {
  const show = (xs: { prefix: string }[]) => (xs.length > 0 ? ` [${xs.map((x) => x.prefix).join(" ")}]` : "");
  return (
    `routes of cluster ${cluster} in VRF ${vrf}: +${c.add.length} added${show(c.add)}, ~${c.update.length} changed${show(c.update.map((u) => u.to))}, ` +
    `-${c.remove.length} removed${show(c.remove)}; ${routes} routes; ${when}`
  );
}
