// Deterministic synthetic clusters for benchmarks: N nodes with a /24 of pod addresses each, K services in
// one namespace and M pods spread over the nodes by a seeded PRNG. The objects go straight into
// startKubeEmulator({objects}); EndpointSlices are derived by the emulator, as in a real cluster.
import type { KubeObject } from "./types";
import { seededRandom } from "../common/random";

export interface GenerateOptions {
  nodes: number;
  services: number;
  /** Pods per service; or give pods for a total spread round-robin over the services. */
  podsPerService?: number;
  pods?: number;
  seed?: number;
  namespace?: string;
  /** Where pod CIDRs live: node spec.podCIDRs (kube-controller-manager), Calico blocks, or CiliumNodes. */
  cni?: "kubernetes" | "calico" | "cilium";
  /** Calico only: /26 blocks per node (1 to 4), carved from the node's /24. */
  calicoBlocksPerNode?: number;
  /** Every how-many-th pod of each service is not Ready (0: all ready). */
  notReadyEvery?: number;
}

const CREATED = "2026-01-01T00:00:00Z";

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Node i (0-based): InternalIP in 10.100.0.0/16 and pod /24 in 10.128.0.0/9, so 5,000+ nodes fit. */
export function nodeAddressing(i: number): { name: string; ip: string; cidrBase: string } {
  const n = i + 1;
  return {
    name: `node-${pad(n, 5)}`,
    ip: `10.100.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    cidrBase: `10.${128 + Math.floor(i / 256)}.${i % 256}`,
  };
}

export function generateCluster(o: GenerateOptions): KubeObject[] {
  if (o.nodes < 1 || o.nodes > 32768) throw new Error(`generateCluster: nodes must be 1 to 32768, got ${o.nodes}`);
  const ns = o.namespace ?? "default";
  const cni = o.cni ?? "kubernetes";
  const blocks = Math.max(1, Math.min(4, o.calicoBlocksPerNode ?? 1));
  const rand = seededRandom(o.seed ?? 1);
  const out: KubeObject[] = [];
  const nodes = Array.from({ length: o.nodes }, (_, i) => nodeAddressing(i));
  for (const [i, n] of nodes.entries()) {
    const spec: Record<string, unknown> = {};
    if (cni === "kubernetes") {
      spec.podCIDR = `${n.cidrBase}.0/24`;
      spec.podCIDRs = [`${n.cidrBase}.0/24`];
    }
    out.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: n.name,
        uid: `00000000-0000-4000-8000-${pad(i + 1, 12)}`,
        creationTimestamp: CREATED,
        labels: {
          "kubernetes.io/hostname": n.name,
          "kubernetes.io/os": "linux",
          "topology.kubernetes.io/zone": `zone-${String.fromCharCode(97 + (i % 3))}`,
        },
      },
      spec,
      status: {
        addresses: [
          { type: "InternalIP", address: n.ip },
          { type: "Hostname", address: n.name },
        ],
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }],
        nodeInfo: {
          kubeletVersion: "v1.32.4",
          osImage: "Ubuntu 24.04.2 LTS",
          kernelVersion: "6.8.0-59-generic",
          containerRuntimeVersion: "containerd://2.0.5",
        },
      },
    });
    if (cni === "calico") {
      for (let b = 0; b < blocks; b++) {
        const cidr = `${n.cidrBase}.${b * 64}/26`;
        out.push({
          apiVersion: "crd.projectcalico.org/v1",
          kind: "BlockAffinity",
          metadata: { name: `${n.name}-${cidr.replace(/[./]/g, "-")}`, creationTimestamp: CREATED },
          spec: { cidr, deleted: "false", node: n.name, state: "confirmed" },
        });
      }
    } else if (cni === "cilium") {
      out.push({
        apiVersion: "cilium.io/v2",
        kind: "CiliumNode",
        metadata: { name: n.name, creationTimestamp: CREATED },
        spec: {
          addresses: [
            { type: "InternalIP", ip: n.ip },
            { type: "CiliumInternalIP", ip: `${n.cidrBase}.1` },
          ],
          ipam: { podCIDRs: [`${n.cidrBase}.0/24`] },
        },
      });
    }
  }
  const services = Math.max(0, o.services);
  for (let s = 0; s < services; s++) {
    const name = `svc-${pad(s + 1, 5)}`;
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: ns, creationTimestamp: CREATED, labels: { app: name } },
      spec: {
        type: "ClusterIP",
        clusterIP: `10.96.${Math.floor(s / 250)}.${(s % 250) + 1}`,
        selector: { app: name },
        ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }],
      },
    });
  }
  const total = o.pods ?? (o.podsPerService ?? 0) * services;
  // Capacity per node: the usable addresses of its /24 (or of its Calico blocks).
  const capacity = cni === "calico" ? blocks * 64 - 2 : 253;
  const used = new Array<number>(o.nodes).fill(0);
  if (total > capacity * o.nodes) throw new Error(`generateCluster: ${total} pods do not fit in ${o.nodes} nodes`);
  for (let p = 0; p < total; p++) {
    let ni = Math.floor(rand() * o.nodes);
    while (used[ni] >= capacity) ni = (ni + 1) % o.nodes;
    const host = used[ni]++ + 2;
    const n = nodes[ni];
    const ip = `${n.cidrBase}.${host}`;
    const svc = services ? `svc-${pad((p % services) + 1, 5)}` : "none";
    // Counted within each service, so every service gets its share of unready endpoints.
    const nth = Math.floor(p / Math.max(1, services));
    const ready = !(o.notReadyEvery && nth % o.notReadyEvery === o.notReadyEvery - 1);
    const cond = ready ? "True" : "False";
    out.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${svc}-${pad(p + 1, 7)}`,
        namespace: ns,
        uid: `00000000-0000-4000-9000-${pad(p + 1, 12)}`,
        creationTimestamp: CREATED,
        labels: { app: svc },
      },
      spec: {
        nodeName: n.name,
        containers: [
          { name: "app", image: "nginx:1.27", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] },
        ],
      },
      status: {
        phase: "Running",
        hostIP: n.ip,
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [
          { type: "Ready", status: cond },
          { type: "ContainersReady", status: cond },
        ],
        containerStatuses: [
          {
            name: "app",
            ready,
            restartCount: 0,
            started: true,
            image: "nginx:1.27",
            state: { running: { startedAt: CREATED } },
          },
        ],
      },
    });
  }
  return out;
}
