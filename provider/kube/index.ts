// provider/kube: reads pod placement (nodes, pod CIDRs per CNI, next hops, service endpoints) from the
// Kubernetes API. Plain TypeScript with no Pulumi import; @kubernetes/client-node is required lazily inside
// functions (see connection.ts) so Pulumi's closure serializer never captures it.
import type { CniChoice, Mode, Placement, ServicePlacement } from "../plan/types";
import { type ClientOptions, openClient } from "./client";
import type { KubeConnection } from "./connection";
import { type NodeReadOptions, type NodeReadResult, readNodesWith } from "./nodes";
import { type AnnotationResult, setNplAnnotation } from "./annotate";
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
  nodePortFields,
  readServiceWith,
  type ServiceRef,
  servicePlacementFrom,
} from "./services";
export { attachGates, gateStateOf } from "./gates";
export { createEventRecorder, type EventRecorder, type EventRegarding, type EventSpec } from "./events";
export { getService, patchPodCondition, patchServiceIngress, type PodCondition, serverVersion } from "./write";
export { type AnnotationResult, setNplAnnotation } from "./annotate";
export { attachPodAnnotations, selectorString } from "./pods";

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

/** What a mode reads besides the Services: the nodes (nodeport; with the routes' CNI and node-network rules). */
export interface ModeReadOptions {
  mode: Mode;
  cni?: CniChoice;
  nodeNetworks?: string[];
  pageSize?: number;
}

/**
 * The Services of one virtual service as the mode needs them, through an open client: each Service and its slices
 * (and in nodeportlocal its pods' annotations, one pod list per Service); in nodeport, the nodes once for all.
 */
export async function readModePlacementWith(
  client: Awaited<ReturnType<typeof openClient>>,
  svcs: readonly (ServiceRef & { probe?: boolean })[],
  o: ModeReadOptions,
): Promise<{ services: ServicePlacement[]; nodes?: NodeReadResult }> {
  const services: ServicePlacement[] = [];
  for (const s of svcs) {
    services.push(
      await readServiceWith(client, s, o.pageSize, {
        probe: s.probe === true,
        podAnnotations: o.mode === "nodeportlocal",
      }),
    );
  }
  if (o.mode !== "nodeport") return { services };
  const nodes = await readNodesWith(client, {
    cni: o.cni ?? "auto",
    ...(o.nodeNetworks && o.nodeNetworks.length > 0 ? { nodeNetworks: o.nodeNetworks } : {}),
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
  });
  return { services, nodes };
}

/** readModePlacementWith over a connection of its own. */
export function readModePlacement(
  conn: KubeConnection,
  svcs: readonly (ServiceRef & { probe?: boolean })[],
  opts: ModeReadOptions & ReadHooks,
): Promise<{ services: ServicePlacement[]; nodes?: NodeReadResult }> {
  return withClient(conn, opts, (c) => readModePlacementWith(c, svcs, opts));
}

/** Sets or removes NodePortLocal's opt-in annotation on a Service (the resource's `annotateService`). */
export function annotateForNodePortLocal(
  conn: KubeConnection,
  svc: ServiceRef,
  value: "true" | null,
  hooks: ReadHooks = {},
): Promise<AnnotationResult> {
  return withClient(conn, hooks, (c) => setNplAnnotation(c, svc, value));
}

/** Nodes and the named services over one connection. */
export function readPlacement(
  conn: KubeConnection,
  opts: NodeReadOptions & ReadHooks & { services: ServiceRef[]; podAnnotations?: boolean },
): Promise<Placement> {
  return withClient(conn, opts, async (c) => {
    const nodes = await readNodesWith(c, opts);
    const services: ServicePlacement[] = [];
    const read = { podAnnotations: opts.podAnnotations === true };
    for (const s of opts.services) services.push(await readServiceWith(c, s, opts.pageSize, read));
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
