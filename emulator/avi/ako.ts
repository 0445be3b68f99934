// The writes AKO 2.2.1 makes in ClusterIP / static-route mode, as request bodies, so the emulator can start from the
// footprint AKO leaves on a controller (research/ako.md §2-§3; read from AKO's internal/rest/avi_obj_{vsvip,pool,
// l4ps,vs,vrf}.go and internal/nodes/avi_vrf_translator.go at ba495be). The controller then fills its defaults as it
// would for AKO. Refs are name refs as AKO sends them; uuid4s AKO draws at random are derived from names here so
// a fixture loads the same every time.
import { createHash } from "node:crypto";
import type { Obj } from "./json";

export interface AkoEndpoint {
  ip: string;
  /** Node name (AKO's server_node). */
  node: string;
  /** ready && !terminating; false keeps the server in the pool disabled. */
  enabled?: boolean;
}

export interface AkoPort {
  /** Service port: part of the pool name. */
  port: number;
  protocol: "TCP" | "UDP";
  /** Resolved numeric targetPort: every server's port. */
  targetPort: number;
  endpoints: AkoEndpoint[];
}

export interface AkoService {
  namespace: string;
  name: string;
  /** Preferred VIP (spec.loadBalancerIP or ako.vmware.com/load-balancer-ip). */
  vip: string;
  ports: AkoPort[];
}

export interface AkoNode {
  name: string;
  /** First InternalIP: the next hop. */
  ip: string;
  podCidrs: string[];
}

export interface AkoCluster {
  /** AKOSettings.clusterName. */
  cluster: string;
  /** ControllerSettings.serviceEngineGroupName, labelled clustername=<cluster> at boot. */
  seGroup?: string;
  /** ControllerSettings.cloudName. */
  cloud?: string;
  /** The VRF routes and objects go to (global on a No-Access cloud without vrfName). */
  vrf?: string;
  /** NetworkSettings.vipNetworkList[0]. */
  vipNetwork?: { name: string; cidr: string };
  tenant?: string;
  nodes: AkoNode[];
  services: AkoService[];
}

/** One write as a client sends it. `update` is a GET by name, the fields set, and a PUT with _last_modified. */
export type FixtureStep =
  | { op: "create"; type: string; body: Obj; tenant?: string }
  | { op: "update"; type: string; name: string; set: Obj; tenant?: string }
  | { op: "patch"; type: string; name: string; body: Obj; tenant?: string }
  /** AKO's VRF write: keep routes without labels or labelled for another cluster, append this cluster's, PUT. */
  | { op: "routes"; vrf: string; cluster: string; routes: Obj[]; tenant?: string };

/** A uuid4-shaped id derived from a seed (AKO draws these at random). */
export function stableUuid4(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  const variant = ((Number.parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function checksum(seed: string): string {
  return String(createHash("sha256").update(seed).digest().readUInt32BE(0));
}

function family(addr: string): "V4" | "V6" {
  return addr.includes(":") ? "V6" : "V4";
}

function prefix(cidr: string): Obj {
  const [addr, mask] = cidr.split("/");
  return { ip_addr: { addr, type: family(addr) }, mask: Number(mask) };
}

/** lib.ServiceMetadataObj marshalled by encoding/json: every field, nil slices as null. */
function serviceMetadata(namespaceService: string[] | null): string {
  return JSON.stringify({
    namespace_ingress_name: null,
    ingress_name: "",
    namespace: "",
    hostnames: null,
    namespace_svc_name: namespaceService,
    crd_status: { type: "", value: "", status: "" },
    pool_ratio: 0,
    passthrough_parent_ref: "",
    passthrough_child_ref: "",
    gateway: "",
    httproute: "",
    httproute_rule_name: "",
    insecureedgetermallow: false,
    is_mci_ingress: false,
    fqdn_reuse_policy: "",
    host_namespace_ingress_name: null,
  });
}

function markers(cluster: string, extra: [string, string][]): Obj[] {
  return [{ key: "clustername", values: [cluster] }, ...extra.map(([key, v]) => ({ key, values: [v] }))];
}

/** The names AKO gives an L4 Service's objects (lib.GetL4VSName, GetL4VSVipName, GetL4PoolName). */
export function akoNames(cluster: string, svc: Pick<AkoService, "namespace" | "name">) {
  const vs = `${cluster}--${svc.namespace}-${svc.name}`;
  return {
    vs,
    vsvip: vs,
    l4policyset: vs,
    pool: (p: Pick<AkoPort, "protocol" | "port">) => `${vs}-${p.protocol}-${p.port}`,
  };
}

/** AKO's route ids: <cluster>-<uuid4 drawn per node>-<index of the CIDR on that node>. */
export function akoRouteId(cluster: string, node: string, index: number): string {
  return `${cluster}-${stableUuid4(`ako-route/${cluster}/${node}`)}-${index}`;
}

export function akoRoutes(c: AkoCluster): Obj[] {
  return c.nodes.flatMap((n) =>
    n.podCidrs.map((cidr, i) => ({
      route_id: akoRouteId(c.cluster, n.name, i),
      prefix: prefix(cidr),
      next_hop: { addr: n.ip, type: family(n.ip) },
      labels: [{ key: "clustername", value: c.cluster }],
    })),
  );
}

function networkProfile(ports: AkoPort[]): { vs: string; override?: string } {
  const tcp = ports.some((p) => p.protocol === "TCP");
  const udp = ports.some((p) => p.protocol === "UDP");
  // Enterprise license: TCP proxy; UDP only: UDP fast path; mixed: the TCP profile and a UDP override per service.
  if (tcp && udp) return { vs: "System-TCP-Proxy", override: "System-UDP-Fast-Path" };
  return { vs: udp ? "System-UDP-Fast-Path" : "System-TCP-Proxy" };
}

/** VsVip, pools, L4PolicySet, VS: AKO's create order (dequeue_nodes.go RestOperation). */
export function akoServiceSteps(c: AkoCluster, svc: AkoService): FixtureStep[] {
  const cloud = `/api/cloud?name=${c.cloud ?? "Default-Cloud"}`;
  const vrf = `/api/vrfcontext?name=${c.vrf ?? "global"}`;
  const tenant = `/api/tenant/?name=${c.tenant ?? "admin"}`;
  const createdBy = `ako-${c.cluster}`;
  const names = akoNames(c.cluster, svc);
  const who = { tenant_ref: tenant, cloud_ref: cloud };
  const vip: Obj = { vip_id: "0", auto_allocate_ip: true, ip_address: { type: family(svc.vip), addr: svc.vip } };
  if (c.vipNetwork) {
    vip.ipam_network_subnet = {
      network_ref: `/api/network/?name=${c.vipNetwork.name}`,
      subnet: prefix(c.vipNetwork.cidr),
    };
  }
  const steps: FixtureStep[] = [
    {
      op: "create",
      type: "vsvip",
      body: {
        name: names.vsvip,
        ...who,
        east_west_placement: false,
        vip: [vip],
        vsvip_cloud_config_cksum: checksum(`vsvip/${names.vsvip}`),
        vrf_context_ref: vrf,
        markers: markers(c.cluster, []),
      },
    },
  ];
  for (const p of svc.ports) {
    steps.push({
      op: "create",
      type: "pool",
      body: {
        name: names.pool(p),
        cloud_config_cksum: checksum(`pool/${names.pool(p)}`),
        created_by: createdBy,
        ...who,
        service_metadata: serviceMetadata(null),
        sni_enabled: false,
        graceful_disable_timeout: 1,
        vrf_ref: vrf,
        markers: markers(c.cluster, [
          ["Namespace", svc.namespace],
          ["ServiceName", svc.name],
          ["Port", String(p.port)],
        ]),
        servers: p.endpoints.map((e) => ({
          ip: { addr: e.ip, type: family(e.ip) },
          port: p.targetPort,
          external_uuid: `${e.ip}:${p.targetPort}`,
          enabled: e.enabled ?? true,
          server_node: e.node,
        })),
        health_monitor_refs: [`/api/healthmonitor/?name=System-${p.protocol}`],
      },
    });
  }
  const protocols = [...new Set(svc.ports.map((p) => p.protocol))].sort().join(",");
  steps.push({
    op: "create",
    type: "l4policyset",
    body: {
      name: names.l4policyset,
      created_by: createdBy,
      tenant_ref: tenant,
      markers: markers(c.cluster, [
        ["Namespace", svc.namespace],
        ["ServiceName", svc.name],
        ["Protocol", protocols],
      ]),
      l4_connection_policy: {
        rules: svc.ports.map((p, index) => ({
          // AKO names each rule after the pool ref it selects.
          name: `/api/pool?name=${names.pool(p)}`,
          index,
          action: {
            select_pool: { action_type: "L4_RULE_ACTION_SELECT_POOL", pool_ref: `/api/pool?name=${names.pool(p)}` },
          },
          match: {
            port: { ports: [p.port], match_criteria: "IS_IN" },
            protocol: { match_criteria: "IS_IN", protocol: `PROTOCOL_${p.protocol}` },
          },
        })),
      },
    },
  });
  const profile = networkProfile(svc.ports);
  steps.push({
    op: "create",
    type: "virtualservice",
    body: {
      name: names.vs,
      cloud_config_cksum: checksum(`virtualservice/${names.vs}`),
      created_by: createdBy,
      ...who,
      application_profile_ref: "/api/applicationprofile/?name=System-L4-Application",
      se_group_ref: `/api/serviceenginegroup?name=${c.seGroup ?? "Default-Group"}`,
      error_page_profile_ref: "",
      service_metadata: serviceMetadata([`${svc.namespace}/${svc.name}`]),
      traffic_enabled: true,
      vrf_context_ref: vrf,
      vsvip_ref: `/api/vsvip/?name=${names.vsvip}`,
      services: svc.ports.map((p) => {
        const s: Obj = { port: p.port, enable_ssl: false, port_range_end: p.port, enable_http2: false };
        if (profile.override && p.protocol === "UDP") {
          s.override_network_profile_ref = `/api/networkprofile/?name=${profile.override}`;
        }
        return s;
      }),
      network_profile_ref: `/api/networkprofile/?name=${profile.vs}`,
      markers: markers(c.cluster, [
        ["Namespace", svc.namespace],
        ["ServiceName", svc.name],
      ]),
      remove_listening_port_on_vs_down: true,
      // AKO leaves every L4 policy's index at 0.
      l4_policies: [{ l4_policy_set_ref: `/api/l4policyset/?name=${names.l4policyset}`, index: 0 }],
    },
  });
  return steps;
}

/**
 * What an administrator creates before installing AKO: the network of vipNetworkList and a dedicated SE group (AKO
 * only labels the group; it creates neither). Pass `network: false` when another cluster already made the network.
 */
export function akoPrerequisites(c: AkoCluster, opts: { network?: boolean } = {}): FixtureStep[] {
  const steps: FixtureStep[] = [];
  if (c.vipNetwork && opts.network !== false) {
    steps.push({
      op: "create",
      type: "network",
      body: {
        name: c.vipNetwork.name,
        cloud_ref: `/api/cloud?name=${c.cloud ?? "Default-Cloud"}`,
        vrf_context_ref: `/api/vrfcontext?name=${c.vrf ?? "global"}`,
        configured_subnets: [{ prefix: prefix(c.vipNetwork.cidr) }],
      },
    });
  }
  if (c.seGroup && c.seGroup !== "Default-Group") {
    steps.push({
      op: "create",
      type: "serviceenginegroup",
      body: { name: c.seGroup, cloud_ref: `/api/cloud?name=${c.cloud ?? "Default-Cloud"}` },
    });
  }
  return steps;
}

/** AKO at boot and on its first sync: label its SE group, write its routes (the VRF goes first), then each Service. */
export function akoSteps(c: AkoCluster): FixtureStep[] {
  const tenant = c.tenant;
  return [
    {
      op: "update",
      type: "serviceenginegroup",
      name: c.seGroup ?? "Default-Group",
      set: { labels: [{ key: "clustername", value: c.cluster }] },
    },
    { op: "routes", vrf: c.vrf ?? "global", cluster: c.cluster, routes: akoRoutes(c), tenant },
    ...c.services.flatMap((svc) => akoServiceSteps(c, svc).map((s) => ({ ...s, tenant }))),
  ];
}
