// Shared by the sdk tests: both emulators with the seed topology, the connection to them in the three forms a
// user can give it (args, stack config, environment), and the controller-side edits a person might make by hand.
import { type AviSession, createAviSession } from "../../provider/avi";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { type ProviderHost, serializeProvider, startProviderHost } from "../../emulator/engine";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import * as path from "node:path";

export const ROUTES_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpRoutes";
export const VS_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpVirtualService";

export interface Lab {
  avi: AviEmulator;
  kube: KubeEmulator;
  /** Provider props for the connection (what the resource classes flatten args into). */
  args(): Record<string, string>;
  /** The same connection as `avi-k8s:*` stack config. */
  config(): Record<string, string>;
  session(): AviSession;
  stop(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const avi = await startAviEmulator();
  const kube = await startKubeEmulator();
  const sessions: AviSession[] = [];
  return {
    avi,
    kube,
    args: () => ({
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      caBundle: avi.caCert ?? "",
      kubeconfig: kube.kubeconfigContent,
    }),
    config: () => ({
      "avi-k8s:controller": avi.url,
      "avi-k8s:username": avi.username,
      "avi-k8s:password": avi.password,
      "avi-k8s:caBundle": avi.caCert ?? "",
      "avi-k8s:kubeconfig": kube.kubeconfigContent,
    }),
    session() {
      const s = createAviSession({
        controller: avi.url,
        username: avi.username,
        password: avi.password,
        ...(avi.caCert ? { caCert: avi.caCert } : {}),
      });
      sessions.push(s);
      return s;
    },
    async stop() {
      for (const s of sessions) await s.logout().catch(() => undefined);
      await avi.stop();
      await kube.stop();
    },
  };
}

type Json = Record<string, unknown>;

/** The routes the controller holds in a VRF as "prefix via nextHop (label)", sorted. */
export function controllerRoutes(lab: Lab, vrf = "global"): string[] {
  const ctx = lab.avi.objects("vrfcontext").find((v) => v.name === vrf) as Json | undefined;
  const routes = (ctx?.static_routes ?? []) as Json[];
  return routes
    .map((r) => {
      const p = r.prefix as { ip_addr: { addr: string }; mask: number };
      const hop = (r.next_hop as { addr: string }).addr;
      const label = ((r.labels ?? []) as { key: string; value?: string }[]).map((l) => `${l.key}=${l.value}`).join(",");
      return `${p.ip_addr.addr}/${p.mask} via ${hop} (${label})`;
    })
    .sort();
}

/** The servers of a pool on the controller as "ip:port", sorted. */
export function controllerServers(lab: Lab, poolName: string): string[] {
  const pool = lab.avi.objects("pool").find((p) => p.name === poolName) as Json | undefined;
  if (!pool) return [];
  return ((pool.servers ?? []) as Json[]).map((s) => `${(s.ip as { addr: string }).addr}:${String(s.port)}`).sort();
}

/** Someone removes one static route in the UI: GET the VRF, PUT it back without that prefix. */
export async function deleteRouteByHand(lab: Lab, prefix: string, vrf = "global"): Promise<void> {
  const s = lab.session();
  const [ctx] = await s.list<Json>("vrfcontext", { params: { name: vrf } });
  if (!ctx) throw new Error(`no vrfcontext ${vrf}`);
  const [addr, mask] = prefix.split("/");
  const keep = ((ctx.static_routes ?? []) as Json[]).filter((r) => {
    const p = r.prefix as { ip_addr: { addr: string }; mask: number };
    return !(p.ip_addr.addr === addr && String(p.mask) === mask);
  });
  await s.put(`vrfcontext/${String(ctx.uuid)}`, { ...ctx, static_routes: keep });
}

/** Someone removes one server from a pool in the UI. */
export async function deleteServerByHand(lab: Lab, poolName: string, ip: string): Promise<void> {
  const s = lab.session();
  const [pool] = await s.list<Json>("pool", { params: { name: poolName } });
  if (!pool) throw new Error(`no pool ${poolName}`);
  const servers = ((pool.servers ?? []) as Json[]).filter((x) => (x.ip as { addr: string }).addr !== ip);
  await s.put(`pool/${String(pool.uuid)}`, { ...pool, servers });
}

/** Requests both emulators have seen so far (to prove that a call did no I/O). */
export function requestCount(lab: Lab): number {
  return lab.avi.requestLog.length + lab.kube.requestLog.length;
}

/** The lab and a dynamic-provider host configured with the lab's connection as stack config, for one suite. */
export interface LabHost {
  lab: Lab;
  host: ProviderHost;
  /** The serialized providers, as a program's resources carry them in `__provider`. */
  vsCode: string;
  routesCode: string;
}

/**
 * Registers the suite's hooks: the fields are filled in before the first test (before each with `each`) and
 * stopped after.
 */
export function useLabHost(o: { each?: boolean } = {}): LabHost {
  const t = {} as LabHost;
  (o.each ? beforeEach : before)(async () => {
    t.lab = await startLab();
    t.vsCode = (await serializeProvider(virtualServiceProvider)).text;
    t.routesCode = (await serializeProvider(routesProvider)).text;
    t.host = await startProviderHost({
      cwd: path.resolve(__dirname, "../../.."),
      cleanEnv: true,
      config: t.lab.config(),
    });
    await t.host.configure();
  });
  (o.each ? afterEach : after)(async () => {
    await t.host?.stop();
    await t.lab?.stop();
  });
  return t;
}
