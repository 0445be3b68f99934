// Seeded changes to a Kubernetes emulator's cluster, as rollouts and node operations make them: pods moving,
// turning unready, nodes joining and leaving, the Service moving to another port.
import type { KubeEmulator } from "../../../emulator/kube";
import type { Rng } from "./campaign";

export const BASE_NODES = ["node1", "node2"];

function webPods(kube: KubeEmulator, namespace = "default"): string[] {
  return kube
    .list("pods", namespace)
    .filter((p) => p.metadata.labels?.app === "web" && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name as string);
}

const SEED_PODS: [string, string, string][] = [
  ["web-a", "192.168.101.13", "node1"],
  ["web-b", "192.168.101.22", "node1"],
  ["web-c", "192.168.102.17", "node2"],
  ["web-d", "192.168.102.36", "node2"],
];

/**
 * Back to the seed topology exactly (base nodes, pods A-D at their seed IPs, all ready, Service port 80), so a
 * schedule depends only on its seed and REPLAY_SEED reproduces it in a fresh emulator.
 */
export function resetCluster(kube: KubeEmulator): void {
  for (const n of kube.list("nodes")) if (!BASE_NODES.includes(n.metadata.name)) kube.removeNode(n.metadata.name);
  for (const p of kube.list("pods", "default"))
    if (p.metadata.labels?.app === "web") kube.deletePod("default", p.metadata.name);
  for (const [name, ip, node] of SEED_PODS) {
    kube.addPod({ name, node, ips: [ip], labels: { app: "web" }, ports: [{ name: "http", containerPort: 8080 }] });
  }
  const svc = kube.get("services", "web", "default");
  if (svc && svc.spec.ports[0].port !== 80) {
    kube.apply({ ...svc, spec: { ...svc.spec, ports: [{ ...svc.spec.ports[0], port: 80 }] } });
  }
}

/** Node i of a cluster: pod CIDR 192.168.<base+i>.0/24 via 10.100.<octet>.<10+i>; data only, never dialled. */
export function extraNode(kube: KubeEmulator, name: string, cidrOctet: number, hostOctet: number) {
  return kube.addNode({ name, internalIP: `10.100.1.${hostOctet}`, podCIDRs: [`192.168.${cidrOctet}.0/24`] });
}

/** One to three seeded changes; returns what was done, for the failure message. */
export function churn(kube: KubeEmulator, r: Rng, tag: string): string[] {
  const done: string[] = [];
  const steps = r.int(1, 3);
  for (let i = 0; i < steps; i++) {
    const nodes = kube.list("nodes").map((n) => n.metadata.name as string);
    const pods = webPods(kube);
    const kind = r.pick(["move", "ready", "addNode", "removeNode", "port", "addPod", "deletePod"] as const);
    if (kind === "move" && pods.length > 0) {
      const pod = r.pick(pods);
      const to = r.pick(nodes);
      kube.movePod("default", pod, to);
      done.push(`move ${pod} to ${to}`);
    } else if (kind === "ready" && pods.length > 0) {
      const pod = r.pick(pods);
      const ready = r.chance(0.5);
      kube.setPodReady("default", pod, ready);
      done.push(`${pod} ready=${ready}`);
    } else if (kind === "addNode") {
      const name = `x-${tag}-${i}`;
      const octet = 110 + ((r.int(0, 9999) * 7) % 140);
      if (kube.list("nodes").some((n) => (n.spec?.podCIDRs ?? []).includes(`192.168.${octet}.0/24`))) continue;
      extraNode(kube, name, octet, octet);
      if (pods.length > 0 && r.chance(0.5)) kube.movePod("default", r.pick(pods), name);
      done.push(`add node ${name} 192.168.${octet}.0/24`);
    } else if (kind === "removeNode") {
      const extra = nodes.filter((n) => !BASE_NODES.includes(n));
      if (extra.length === 0) continue;
      const n = r.pick(extra);
      kube.removeNode(n);
      done.push(`remove node ${n}`);
    } else if (kind === "port") {
      const svc = kube.get("services", "web", "default")!;
      const port = svc.spec.ports[0].port === 80 ? 8080 : 80;
      kube.apply({ ...svc, spec: { ...svc.spec, ports: [{ ...svc.spec.ports[0], port }] } });
      done.push(`service port ${port}`);
    } else if (kind === "addPod") {
      const name = `web-${tag}-n${i}`;
      kube.addPod({
        name,
        node: r.pick(nodes),
        labels: { app: "web" },
        ports: [{ name: "http", containerPort: 8080 }],
      });
      done.push(`add pod ${name}`);
    } else if (kind === "deletePod" && pods.length > 1) {
      const pod = r.pick(pods);
      kube.deletePod("default", pod);
      done.push(`delete pod ${pod}`);
    }
  }
  return done;
}
