// ClusterIpVirtualService: VS + VsVip + one pool per Service port. check() resolves the pools' servers from the
// Service's EndpointSlices (so preview shows which servers change); create/update converge the controller to them;
// read() reports what the controller holds, so servers removed by hand show as drift and the next `up` repairs it.
import type * as pulumi from "@pulumi/pulumi";
import {
  applyVirtualService,
  deleteVirtualService,
  readVirtualService,
  type VirtualServiceSpec,
  type VirtualServiceState,
} from "../../provider/avi";
import { readServicePlacement } from "../../provider/kube";
import { planPools, poolConflicts, virtualServiceName } from "../../provider/plan";
import { deleteFirstDiff, diffKeys, isUnknown, jsonClean, pick, UNKNOWN } from "./canonical";
import { type CheckOutcome, connectionArgs, credentialFailures, partialFailure, withSession } from "./common";
import { kubeProblems, resolveKube, resolveTenant, type Settings } from "./connection";
import {
  CONNECTION_KEYS,
  type PoolEntry,
  type ServerEntry,
  VS_INPUT_KEYS,
  VS_REPLACE_KEYS,
  type VirtualServiceOuts,
  type VirtualServiceProps,
} from "./props";
import { validateVirtualService } from "./validate";

const OPTIONAL_STRINGS = ["seGroup", "applicationProfile", "networkProfile", "healthMonitor"] as const;

function server(s: ServerEntry): ServerEntry {
  return {
    ip: s.ip,
    port: s.port,
    enabled: s.enabled,
    ...(s.node ? { node: s.node } : {}),
    ...(s.pod ? { pod: s.pod } : {}),
  };
}

async function resolvePools(p: VirtualServiceProps, settings: Settings | undefined) {
  const svc = await readServicePlacement(resolveKube(p, settings ?? {}), { namespace: p.namespace, name: p.service });
  const failures: { property: string; reason: string }[] = [];
  (p.ports ?? []).forEach((port, i) => {
    if (!svc.ports.some((sp) => sp.port === port)) {
      const has = svc.ports.map((sp) => sp.port).join(", ") || "none";
      failures.push({
        property: `ports[${i}]`,
        reason: `Service ${p.namespace}/${p.service} has no port ${port} (it has ${has}).`,
      });
    }
  });
  const chosen = p.ports ? { ...svc, ports: svc.ports.filter((sp) => p.ports?.includes(sp.port)) } : svc;
  const pools: PoolEntry[] = planPools(p.cluster, chosen).map((pool) => ({
    name: pool.name,
    servicePort: pool.servicePort,
    protocol: pool.protocol,
    servers: pool.servers.map(server),
  }));
  return { pools, conflicts: poolConflicts(chosen).map((c) => c.message), failures };
}

export async function check(
  news: Record<string, unknown>,
  settings: Settings | undefined,
): Promise<CheckOutcome<VirtualServiceProps>> {
  const props: VirtualServiceProps = {
    ...connectionArgs(news),
    ...pick(news as Partial<VirtualServiceProps>, [...OPTIONAL_STRINGS, "ports"]),
    cluster: news.cluster as string,
    namespace: (news.namespace as string | undefined) ?? "default",
    service: news.service as string,
    vrf: (news.vrf as string | undefined) ?? "global",
    cloud: (news.cloud as string | undefined) ?? "Default-Cloud",
    tenant: news.tenant === undefined ? resolveTenant(undefined, settings ?? {}) : (news.tenant as string),
    vip: news.vip as VirtualServiceProps["vip"],
  };
  const failures = [...validateVirtualService(props), ...kubeProblems(props), ...credentialFailures(props, settings)];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, pools: UNKNOWN }), failures };
  const resolved = await resolvePools(props, settings);
  return {
    inputs: jsonClean({ ...props, pools: resolved.pools, conflicts: resolved.conflicts }),
    failures: resolved.failures,
  };
}

/** Pools compare by name, port, protocol and their servers' ip:port and enabled flag, in a fixed order. */
function normalize(key: string, value: unknown): unknown {
  if (key !== "pools" || !Array.isArray(value)) return value;
  return (value as PoolEntry[])
    .map((p) => ({
      name: p.name,
      servicePort: p.servicePort,
      protocol: p.protocol,
      servers: p.servers
        .map((s) => ({ ip: s.ip, port: s.port, enabled: s.enabled }))
        .sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1)),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function diff(olds: VirtualServiceOuts, news: VirtualServiceProps): Promise<pulumi.dynamic.DiffResult> {
  return deleteFirstDiff(diffKeys(olds, news, [...VS_INPUT_KEYS, ...CONNECTION_KEYS], VS_REPLACE_KEYS, normalize));
}

function spec(p: VirtualServiceProps, pools: PoolEntry[]): VirtualServiceSpec {
  const vip =
    p.vip.address !== undefined
      ? { address: p.vip.address }
      : { network: p.vip.network ?? "", ...(p.vip.subnet ? { subnet: p.vip.subnet } : {}) };
  return {
    cluster: p.cluster,
    namespace: p.namespace,
    service: p.service,
    tenant: p.tenant,
    cloud: p.cloud,
    vrf: p.vrf,
    vip,
    ports: pools.map((pool) => ({ port: pool.servicePort, protocol: pool.protocol })),
    pools: pools.map((pool) => ({ ...pool, servers: pool.servers.map(server) })),
    ...(p.seGroup ? { seGroup: p.seGroup } : {}),
    ...(p.applicationProfile ? { applicationProfile: p.applicationProfile } : {}),
    ...(p.networkProfile ? { networkProfile: p.networkProfile } : {}),
    ...(p.healthMonitor ? { healthMonitor: p.healthMonitor } : {}),
  };
}

function outputs(
  p: VirtualServiceProps,
  state: VirtualServiceState,
  extra: { conflicts: string[]; warnings: string[] },
): VirtualServiceOuts {
  return jsonClean({
    ...p,
    pools: state.pools.map((pool) => ({
      name: pool.name,
      uuid: pool.uuid,
      servicePort: pool.port,
      protocol: pool.protocol,
      servers: pool.servers.map(server),
    })),
    virtualServiceName: state.name,
    virtualServiceUuid: state.vsUuid,
    vsVipUuid: state.vsvipUuid,
    vipAddress: state.vipAddress,
    ...extra,
  });
}

async function apply(p: VirtualServiceProps, settings: Settings | undefined): Promise<VirtualServiceOuts> {
  const resolved = Array.isArray(p.pools)
    ? { pools: p.pools, conflicts: p.conflicts ?? [], failures: [] }
    : await resolvePools(p, settings);
  if (resolved.failures.length > 0)
    throw new Error(resolved.failures.map((f) => `${f.property}: ${f.reason}`).join(" "));
  const id = virtualServiceName(p.cluster, p.namespace, p.service);
  try {
    return await withSession(p, settings, async (s) => {
      const result = await applyVirtualService(s, spec(p, resolved.pools));
      return outputs({ ...p, pools: resolved.pools }, result.state, {
        conflicts: resolved.conflicts,
        warnings: result.warnings,
      });
    });
  } catch (err) {
    const empty: VirtualServiceState = { name: id, vsUuid: "", vsvipUuid: "", pools: [], vipAddress: "" };
    throw partialFailure(err, id, outputs(p, empty, { conflicts: resolved.conflicts, warnings: [] }));
  }
}

export async function create(inputs: VirtualServiceProps, settings: Settings | undefined) {
  const outs = await apply(inputs, settings);
  return { id: outs.virtualServiceName, outs };
}

export async function update(news: VirtualServiceProps, settings: Settings | undefined) {
  return { outs: await apply(news, settings) };
}

/** The pools of the last apply (their names), so read() looks up exactly those. */
function knownPools(props: VirtualServiceOuts): PoolEntry[] {
  return Array.isArray(props.pools) ? props.pools : [];
}

export async function read(
  id: string,
  props: VirtualServiceOuts,
  settings: Settings | undefined,
): Promise<pulumi.dynamic.ReadResult<VirtualServiceOuts>> {
  const state = await withSession(props, settings, (s) => readVirtualService(s, spec(props, knownPools(props))));
  if (!state) return {};
  const outs = outputs(props, state, { conflicts: props.conflicts ?? [], warnings: props.warnings ?? [] });
  const inputs = pick({ ...outs, pools: outs.pools.map(({ uuid: _uuid, ...pool }) => pool) }, [
    ...VS_INPUT_KEYS,
    ...CONNECTION_KEYS,
    "conflicts",
  ]);
  return { id, props: outs, inputs: inputs as VirtualServiceOuts };
}

export async function remove(props: VirtualServiceOuts, settings: Settings | undefined): Promise<void> {
  await withSession(props, settings, (s) => deleteVirtualService(s, spec(props, knownPools(props))));
}
