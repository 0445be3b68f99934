// Both emulators with the seed scenario applied the way `pulumi up` applies it (Kubernetes read -> plan -> Avi
// writes, through the package's own reader and writers), plus the route an operator placed by hand: what the live
// view is looked at with. The membership sync, once it exists, starts against the same lab.
import { type AviEmulator, type AviEmulatorOptions, startAviEmulator } from "../../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { type AviSession, applyRoutes, applyVirtualService, createAviSession } from "../../../provider/avi";
import { readPlacement } from "../../../provider/kube";
import { planPools, planRoutes } from "../../../provider/plan";

export const SEED = { cluster: "demo", namespace: "default", service: "web", vip: "10.10.10.50" } as const;
export const FOREIGN = { id: "ops-uplink", prefix: "10.200.0.0/16", nextHop: "10.100.1.1" } as const;

export interface SeededLab {
  avi: AviEmulator;
  kube: KubeEmulator;
  session: AviSession;
  /** The seed pool's name on the controller. */
  pool: string;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startSeededLab(options: AviEmulatorOptions = {}): Promise<SeededLab> {
  const avi = await startAviEmulator(options);
  const kube = await startKubeEmulator();
  const session = createAviSession({
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
  });
  try {
    const placement = await readPlacement(
      { kubeconfigContent: kube.kubeconfigContent },
      { cni: "auto", services: [{ namespace: SEED.namespace, name: SEED.service }] },
    );
    const svc = placement.services[0];
    if (!svc) throw new Error("the seed Service was not read");
    const pools = planPools(SEED.cluster, svc);
    await applyVirtualService(session, {
      cluster: SEED.cluster,
      namespace: SEED.namespace,
      service: SEED.service,
      vip: { address: SEED.vip },
      ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
      pools,
    });
    await applyRoutes(session, { cluster: SEED.cluster }, planRoutes(SEED.cluster, placement.nodes).routes);
    await addForeignRoute(session);
    return {
      avi,
      kube,
      session,
      pool: pools[0]?.name ?? "",
      async stop() {
        await session.logout().catch(() => undefined);
        await avi.stop();
        await kube.stop();
      },
    };
  } catch (e) {
    await avi.stop();
    await kube.stop();
    throw e;
  }
}

/** A route without our label, added as an operator would: GET the VRF, PUT it back with one more route. */
async function addForeignRoute(s: AviSession): Promise<void> {
  const [vrf] = await s.list<Json>("vrfcontext", { params: { name: "global" } });
  if (!vrf) throw new Error("no VRF global");
  const [addr, mask] = FOREIGN.prefix.split("/");
  const routes = Array.isArray(vrf.static_routes) ? vrf.static_routes : [];
  const route = {
    route_id: FOREIGN.id,
    prefix: { ip_addr: { addr, type: "V4" }, mask: Number(mask) },
    next_hop: { addr: FOREIGN.nextHop, type: "V4" },
  };
  await s.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: [...routes, route] });
}

/** Removes one server from a pool the way the sync will: GET, drop it, PUT with _last_modified. */
export async function removeServer(s: AviSession, poolName: string, ip: string): Promise<void> {
  const [pool] = await s.list<Json>("pool", { params: { name: poolName } });
  if (!pool) throw new Error(`no pool ${poolName}`);
  const servers = (pool.servers as Json[]).filter((x) => (x.ip as { addr?: string }).addr !== ip);
  await s.put(`pool/${String(pool.uuid)}`, { ...pool, servers });
}
