// provider/kube: reads pod placement (nodes, pod CIDRs per CNI, next hops, service endpoints) from the
// Kubernetes API. Plain TypeScript with no Pulumi import; @kubernetes/client-node is required lazily inside
// functions (see connection.ts) so Pulumi's closure serializer never captures it.
import type { Placement, ServicePlacement } from "../plan/types";
import { type ClientOptions, openClient } from "./client";
import type { KubeConnection } from "./connection";
import { type NodeReadOptions, type NodeReadResult, readNodesWith } from "./nodes";
import { readServiceWith, type ServiceRef } from "./services";

export { calicoBlocks, ciliumCidrs, ovnPodCidrs, podCidrsFor, specPodCidrs } from "./cidrs";
export type { ClientOptions, KubeClient, RequestInfo } from "./client";
export { DEFAULT_PAGE_SIZE, openClient } from "./client";
export { type KubeConnection, kubeServerOf } from "./connection";
export type { KubeReadErrorReason, Permission } from "./errors";
export { KubeReadError } from "./errors";
export { chooseNextHops } from "./nexthop";
export type { NodeReadOptions, NodeReadResult } from "./nodes";
export { readNodesWith } from "./nodes";
export { attachProbes, probeFromPod, probePod } from "./probes";
export {
  kubeSideFields,
  loadBalancerFields,
  readServiceWith,
  type ServiceRef,
  servicePlacementFrom,
} from "./services";
export { attachGates, gateStateOf } from "./gates";
export { createEventRecorder, type EventRecorder, type EventRegarding, type EventSpec } from "./events";
export { getService, patchPodCondition, patchServiceIngress, type PodCondition, serverVersion } from "./write";

/** Extra knobs every reader takes: a request hook (API-call counts for benchmarks) and a timeout. */
export type ReadHooks = ClientOptions;

async function withClient<T>(
  conn: KubeConnection,
  hooks: ReadHooks | undefined,
  run: (c: Awaited<ReturnType<typeof openClient>>) => Promise<T>,
): Promise<T> {
  const client = await openClient(conn, hooks);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** Every node with its pod CIDRs (from the chosen or detected CNI source) and next hop per family. */
export function readNodes(conn: KubeConnection, opts: NodeReadOptions & ReadHooks): Promise<NodeReadResult> {
  return withClient(conn, opts, (c) => readNodesWith(c, opts));
}

/** One service's endpoints per port: the Service and its own EndpointSlices, nothing cluster-wide. */
export function readServicePlacement(
  conn: KubeConnection,
  svc: ServiceRef,
  opts: { pageSize?: number; probe?: boolean } & ReadHooks = {},
): Promise<ServicePlacement> {
  return withClient(conn, opts, (c) => readServiceWith(c, svc, opts.pageSize, { probe: opts.probe === true }));
}

/** Several Services of one virtual service (a shared VIP) over one connection, each as readServicePlacement. */
export function readServicePlacements(
  conn: KubeConnection,
  svcs: readonly (ServiceRef & { probe?: boolean })[],
  opts: { pageSize?: number } & ReadHooks = {},
): Promise<ServicePlacement[]> {
  return withClient(conn, opts, async (c) => {
    const out: ServicePlacement[] = [];
    for (const s of svcs) out.push(await readServiceWith(c, s, opts.pageSize, { probe: s.probe === true }));
    return out;
  });
}

/** Nodes and the named services over one connection. */
export function readPlacement(
  conn: KubeConnection,
  opts: NodeReadOptions & ReadHooks & { services: ServiceRef[] },
): Promise<Placement> {
  return withClient(conn, opts, async (c) => {
    const nodes = await readNodesWith(c, opts);
    const services: ServicePlacement[] = [];
    for (const s of opts.services) services.push(await readServiceWith(c, s, opts.pageSize));
    return { cniSource: nodes.cniSource, nodes: nodes.nodes, services, notes: nodes.notes, detection: nodes.detection };
  });
}
export type { WatchEvent } from "./client";
export {
  backoffMs,
  type Informer,
  type InformerChange,
  type InformerHooks,
  type InformerSpec,
  startInformer,
} from "./informer";
