// Shared by the examples tests: both emulators with the seed topology and the `avi-k8s:*` stack config a user
// would set to point the programs at them (the only thing that changes between the emulators and a real site).
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";

export interface Sites {
  avi: AviEmulator;
  kube: KubeEmulator;
  config(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startSites(): Promise<Sites> {
  const avi = await startAviEmulator();
  const kube = await startKubeEmulator();
  return {
    avi,
    kube,
    config: () => ({
      "avi-k8s:controller": avi.url,
      "avi-k8s:username": avi.username,
      "avi-k8s:password": avi.password,
      "avi-k8s:caBundle": avi.caFile ?? "",
      "avi-k8s:kubeconfigPath": kube.kubeconfig,
    }),
    async stop() {
      await avi.stop();
      await kube.stop();
    },
  };
}

type Json = Record<string, unknown>;

/** The servers of every pool on the controller as "ip:port", sorted. */
export function poolServers(avi: AviEmulator): string[] {
  return avi
    .objects("pool")
    .flatMap((p) => ((p.servers ?? []) as Json[]).map((s) => `${(s.ip as { addr: string }).addr}:${String(s.port)}`))
    .sort();
}

/** The VRF's routes labelled with a cluster, as "prefix via next hop". */
export function clusterRoutes(avi: AviEmulator, cluster: string, vrf = "global"): string[] {
  return avi
    .objects("vrfcontext")
    .filter((v) => v.name === vrf)
    .flatMap((v) => (v.static_routes ?? []) as Json[])
    .filter((r) => ((r.labels ?? []) as Json[]).some((l) => l.key === "clustername" && l.value === cluster))
    .map((r) => {
      const p = r.prefix as { ip_addr: { addr: string }; mask: number };
      return `${p.ip_addr.addr}/${p.mask} via ${(r.next_hop as { addr: string }).addr}`;
    })
    .sort();
}
