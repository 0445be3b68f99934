// What the sync's process is given before it starts, shared by the command (cli/sync.ts) and the in-cluster
// component (sdk/syncDeployment.ts), so the two cannot drift: its heap cap and its Lease's default name. No
// imports beyond Node's, so the component can use it without loading the sync.
import { createHash } from "node:crypto";

/**
 * What the sync's Node process should run with: a heap of 160 MB. Its live data is small (fingerprints, not
 * objects: tens of MB at 5,000 nodes and 150,000 pods), but without a cap V8 sizes the heap from the machine's memory
 * and collects lazily, so a full resync's short-lived reads can lift the RSS past 250 MB before a collection.
 */
export const SYNC_NODE_OPTIONS = "--max-old-space-size=160";

/**
 * The default Lease name, `avi-k8s-sync-<cluster>`, always a valid object name. A cluster name may hold capitals
 * and '_' (AKO's rule), a Kubernetes name may not (nor end in '-'): such a name is lowercased, '_' becomes '-', and
 * a short hash of the cluster name is appended, so two clusters that differ only there ("Prod" and "prod") never
 * share a Lease.
 */
export function defaultLeaseName(cluster: string): string {
  const base = `avi-k8s-sync-${cluster}`;
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(base)) return base;
  const safe = base.toLowerCase().replace(/[^-a-z0-9]/g, "-");
  return `${safe}-${createHash("sha256").update(cluster).digest("hex").slice(0, 6)}`;
}
