// The seed topology (two nodes, four pods of Service default/web) as the planner turns it into desired routes and
// pools, plus helpers to run the reconciler against a fresh Avi emulator.
import { type AviEmulator, type AviEmulatorOptions, startAviEmulator } from "../../../emulator/avi";
import { type AviConnection, type AviSession, createAviSession, type VirtualServiceSpec } from "../../../provider/avi";
import { planPools, planRoutes } from "../../../provider/plan";
import type { DesiredRoute, NodePlacement, ServicePlacement } from "../../../provider/plan/types";

export const SEED_NODES: NodePlacement[] = [
  { name: "node1", podCidrs: ["192.168.101.0/24"], addresses: { ipv4: "10.100.1.101" }, source: "default" },
  { name: "node2", podCidrs: ["192.168.102.0/24"], addresses: { ipv4: "10.100.1.102" }, source: "default" },
];

export function seedService(targetPort = 8080, pods: [string, string, string][] = SEED_PODS): ServicePlacement {
  return {
    namespace: "default",
    name: "web",
    ports: [
      {
        port: 80,
        protocol: "TCP",
        targetPort,
        endpoints: pods.map(([name, ip, node]) => ({
          ip,
          family: "ipv4",
          port: targetPort,
          node,
          ready: true,
          serving: true,
          terminating: false,
          pod: { namespace: "default", name },
        })),
      },
    ],
  };
}

export const SEED_PODS: [string, string, string][] = [
  ["web-a", "192.168.101.13", "node1"],
  ["web-b", "192.168.101.22", "node1"],
  ["web-c", "192.168.102.17", "node2"],
  ["web-d", "192.168.102.36", "node2"],
];

export function seedRoutes(cluster: string, nodes: NodePlacement[] = SEED_NODES): DesiredRoute[] {
  return planRoutes(cluster, nodes).routes;
}

export function seedSpec(cluster: string, svc: ServicePlacement = seedService()): VirtualServiceSpec {
  return {
    cluster,
    namespace: svc.namespace,
    service: svc.name,
    vip: { address: "10.100.2.10" },
    ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    pools: planPools(cluster, svc),
  };
}

export interface Rig {
  avi: AviEmulator;
  conn: AviConnection;
  session: AviSession;
  open(extra?: Partial<AviConnection>): AviSession;
  stop(): Promise<void>;
}

/** A fresh emulator (HTTPS, its own CA) and a verified session to it; stop() ends every session opened here. */
export async function startRig(options: AviEmulatorOptions = {}): Promise<Rig> {
  const avi = await startAviEmulator(options);
  const conn: AviConnection = {
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
    retryBaseMs: 5,
  };
  const opened: AviSession[] = [];
  const open = (extra: Partial<AviConnection> = {}) => {
    const s = createAviSession({ ...conn, ...extra });
    opened.push(s);
    return s;
  };
  const session = open();
  return {
    avi,
    conn,
    session,
    open,
    async stop() {
      for (const s of opened) await s.logout();
      await avi.stop();
    },
  };
}

/** The VRF's static routes as stored, in order. */
export function vrfRoutes(avi: AviEmulator, vrf = "global"): Record<string, unknown>[] {
  const ctx = avi.objects("vrfcontext").find((v) => v.name === vrf);
  return Array.isArray(ctx?.static_routes) ? (ctx.static_routes as Record<string, unknown>[]) : [];
}

/** Objects of a type whose markers name the cluster. */
export function ours(avi: AviEmulator, type: string, cluster: string): Record<string, unknown>[] {
  return avi.objects(type).filter((o) => {
    const markers = Array.isArray(o.markers) ? (o.markers as { key: string; values?: string[] }[]) : [];
    return markers.some((m) => m.key === "clustername" && m.values?.[0] === cluster);
  });
}
