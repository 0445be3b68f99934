// The servers of one scenario: the Kubernetes emulator holding a generated cluster, and one Avi emulator per
// writer (ours for routes, the AKO baseline, ours for each group of virtual services) behind a byte-counting
// relay, so no writer's objects show up in another's requests. Plus the two changes the bench makes.
import { type AviEmulator, startAviEmulator } from "../emulator/avi";
import { generateCluster, type KubeEmulator, startKubeEmulator } from "../emulator/kube";
import { nodeAddressing } from "../emulator/kube/generate";
import { type CountingProxy, startCountingProxy } from "./proxy";
import type { Endpoints, ScenarioSpec, ServerCounts } from "./types";

export interface Controller {
  avi: AviEmulator;
  proxy: CountingProxy;
  endpoints: Endpoints;
}

export interface ScenarioEnv {
  spec: ScenarioSpec;
  kube: KubeEmulator;
  /** Milliseconds to generate and load the cluster. */
  loadMs: number;
  /** A controller of its own for one writer, started on first use. */
  controller(key: string): Promise<Controller>;
  /** Clears the servers' counters: the start of a measured step. */
  mark(c: Controller): void;
  /** What the servers saw since mark(). */
  counts(c: Controller): ServerCounts;
  /** A node joins the cluster (with its pod CIDR, or its Calico blocks); returns its name. */
  joinNode(): string;
  /** The first pod of the first service moves to another node (new IP); returns "pod -> node". */
  movePod(): string;
  /** Makes a Service type LoadBalancer with node port 30080 (mode nodeport's input); returns the undo. */
  exposeNodePort(name: string): () => void;
  stop(): Promise<void>;
}

/** Above the emulator's default of 10,000, so the Calico variant's 20,000 routes at 5,000 nodes fit. */
export const ROUTES_PER_VRF = 100_000;

function blockAffinities(node: string, cidrBase: string, blocks: number) {
  return Array.from({ length: blocks }, (_, b) => {
    const cidr = `${cidrBase}.${b * 64}/26`;
    return {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "BlockAffinity",
      metadata: { name: `${node}-${cidr.replace(/[./]/g, "-")}` },
      spec: { cidr, deleted: "false", node, state: "confirmed" },
    };
  });
}

export async function startScenario(spec: ScenarioSpec): Promise<ScenarioEnv> {
  const t0 = Date.now();
  const objects = generateCluster({
    nodes: spec.nodes,
    services: spec.clusterServices,
    pods: spec.pods,
    cni: spec.cni,
    calicoBlocksPerNode: spec.blocksPerNode,
    seed: 7,
  });
  const kube = await startKubeEmulator({ objects });
  objects.length = 0;
  const loadMs = Date.now() - t0;
  const controllers = new Map<string, Promise<Controller>>();
  let joined = 0;

  async function startController(): Promise<Controller> {
    const avi = await startAviEmulator({ routesPerVrf: ROUTES_PER_VRF });
    const proxy = await startCountingProxy(avi.url);
    const endpoints: Endpoints = {
      kubeconfigPath: kube.kubeconfig,
      controller: proxy.url,
      username: avi.username,
      password: avi.password,
      caCert: avi.caCert ?? "",
    };
    return { avi, proxy, endpoints };
  }

  return {
    spec,
    kube,
    loadMs,
    controller(key) {
      let c = controllers.get(key);
      if (!c) {
        c = startController();
        controllers.set(key, c);
      }
      return c;
    },
    mark(c) {
      kube.requestLog.length = 0;
      c.avi.clearLog();
      c.proxy.reset();
    },
    counts(c) {
      const k = kube.requestLog;
      const api = c.avi.requestLog.filter((e) => e.path.startsWith("/api/"));
      const bytes = c.proxy.counts();
      return {
        kubeCalls: k.length,
        kubeBytes: k.reduce((n, e) => n + e.bytes, 0),
        kubeListedPods: k.some((e) => /^\/api\/v1\/(namespaces\/[^/]+\/)?pods$/.test(e.path)),
        kubeAllSlices: k.some((e) => /\/endpointslices$/.test(e.path) && !/labelSelector=/.test(e.query)),
        aviReads: api.filter((e) => e.method === "GET").length,
        aviWrites: api.filter((e) => e.method !== "GET").length,
        aviSession: c.avi.requestLog.filter((e) => e.path === "/login" || e.path === "/logout").length,
        aviLogins: c.avi.requestLog.filter((e) => e.path === "/login").length,
        aviSentBytes: bytes.sent,
        aviReceivedBytes: bytes.received,
      };
    },
    joinNode() {
      const a = nodeAddressing(spec.nodes + joined++);
      if (spec.cni === "calico") {
        kube.addNode({ name: a.name, internalIP: a.ip });
        for (const ba of blockAffinities(a.name, a.cidrBase, spec.blocksPerNode)) kube.apply(ba);
      } else {
        kube.addNode({ name: a.name, internalIP: a.ip, podCIDRs: [`${a.cidrBase}.0/24`] });
      }
      return a.name;
    },
    movePod() {
      const pod = kube.list("pods", "default").find((p) => String(p.metadata?.name).startsWith("svc-00001-"));
      if (!pod) throw new Error("bench: the cluster has no pod of svc-00001 to move.");
      const name = String(pod.metadata?.name);
      const from = String(pod.spec?.nodeName);
      let to = nodeAddressing(0).name;
      for (let i = 0; to === from; i++) to = nodeAddressing(i).name;
      kube.movePod("default", name, to);
      return `${name} -> ${to}`;
    },
    exposeNodePort(name) {
      const before = kube.get("services", name, "default");
      if (!before) throw new Error(`bench: the cluster has no Service ${name}.`);
      const ports = (before.spec?.ports ?? []).map((p: Record<string, unknown>) => ({ ...p, nodePort: 30080 }));
      kube.apply({ ...before, spec: { ...before.spec, type: "LoadBalancer", ports } });
      return () => {
        kube.apply(before);
      };
    },
    async stop() {
      for (const c of controllers.values()) {
        const { avi, proxy } = await c;
        await proxy.stop();
        await avi.stop();
      }
      await kube.stop();
    },
  };
}
