// What the dynamic providers store: the checked inputs and the outputs of each resource, as plain JSON. These
// shapes live in Pulumi state, and state written by an earlier version is read, updated and deleted by this code
// (the stored closure requires the installed implementation), so every reader accepts the earlier shapes too
// (state.ts converts them).
//
// Why this shape (measured by `npm run bench`, "state B/route"):
// - Routes and servers are maps keyed by what they mean: prefix -> next hop, "ip:port" -> node. The engine shows a
//   dynamic resource's change as old inputs against new inputs (the dynamic-provider host sends no detailed diff),
//   so with keyed maps `pulumi preview --diff` lists exactly the routes and servers added, removed or changed.
// - Values are short strings, not objects: "10.100.1.101 node1" (next hop and node) and "node1/web-a" or
//   "node1/web-a disabled" (node, pod, drained); an object per entry doubles the bytes and the preview lines.
// - The inputs hold what Kubernetes says (with node and pod names, for the reviewer); the outputs hold what the
//   controller holds (next hop; server node and drained flag) and nothing the inputs already say about a route
//   or server. The outputs are needed: diff() receives the old outputs (not the old inputs), refresh and destroy
//   receive nothing else, and they are what programs read (`routes`, `pools`). 20,000 Calico routes took 4 MB
//   (two copies of {routeId, prefix, nextHop, node}); they now take under 80 B a route, inputs and outputs together.
// - No secret is in the outputs: refresh and destroy take credentials from stack config or the environment.
import type { HealthMonitorArgs, L4Plan, PoolArgs } from "../../provider/plan/l4types";
import type { CniChoice, Protocol } from "../../provider/plan/types";
import { SECRET_SETTINGS, SETTING_KEYS, type SettingValues } from "../../provider/settings";

/** Connection settings given as resource args (the schema's keys). Secrets are secret in state. */
export type ConnectionProps = SettingValues;

/** The keys check() copies from the args; anything else the program sends is dropped. */
export const CONNECTION_KEYS = SETTING_KEYS;
export const SECRET_KEYS = SECRET_SETTINGS;
/** Connection args kept in the outputs: refresh and destroy need them to reach the controller (no secrets). */
export const OUTPUT_CONNECTION_KEYS = ["controller", "username", "apiVersion", "caBundle", "insecure"] as const;

/**
 * Who keeps the members: "pulumi" (every `up` writes the routes and pool servers it resolved) or "sync"
 * (`avi-k8s sync` does between runs: the checked inputs then hold no members, so preview shows no member churn,
 * and updates change settings only). Absent in the state means "pulumi" (written only when given).
 */
export type MembershipProp = "pulumi" | "sync";

/** Where a resource's objects live, recorded at create (see location.ts). */
export interface LocationProps {
  /** The controller's origin URL, whatever named it (args, stack config or environment). */
  controllerUrl?: string;
  /** The Kubernetes API server the placement was read from. */
  kubeServer?: string;
}

/** prefix -> "nextHop" (outputs: what the VRF holds) or "nextHop node" (inputs: what the nodes say). */
export type RouteMap = Record<string, string>;
/** "ip:port" -> "node/pod" (inputs) or "node" (outputs), with " disabled" when the server is drained. */
export type ServerMap = Record<string, string>;

export interface PoolEntry {
  servicePort: number;
  protocol: Protocol;
  servers: ServerMap;
}
/** A pool in the checked inputs of membership "sync": name, port and protocol; its servers are the sync's. */
export type PoolShapeMap = Record<string, Omit<PoolEntry, "servers">>;
export type PoolMap = Record<string, PoolEntry>;
export type LivePoolMap = Record<string, PoolEntry & { uuid: string }>;

export interface RoutesProps extends ConnectionProps, LocationProps {
  cluster: string;
  vrf: string;
  cloud: string;
  /** The tenant of the objects: recorded at create like the controller. */
  tenant: string;
  cni: CniChoice;
  nodeNetworks: string[];
  membership?: MembershipProp;
  /**
   * Desired routes, resolved by check() from the live cluster (the unknown sentinel while inputs are unknown);
   * absent in membership "sync" (the sync keeps them).
   */
  routes?: RouteMap | string;
  /** The pod-CIDR source check() used (after `auto`). */
  cniSource?: string;
  /** Nodes or CIDRs that get no route, and foreign routes overlapping ours; informative, never a reason to update. */
  conflicts?: string[];
  /** Only in the checked inputs of an import (import.ts): AKO's route ids the import found, acknowledged. */
  adoptedRouteIds?: Record<string, string>;
}
export const ROUTES_INPUT_KEYS = [
  "cluster",
  "vrf",
  "cloud",
  "tenant",
  "cni",
  "nodeNetworks",
  "membership",
  "routes",
] as const;
export const ROUTES_REPLACE_KEYS = ["cluster", "vrf", "cloud", "tenant", "controllerUrl"] as const;

export interface RoutesOuts extends Omit<RoutesProps, "routes"> {
  /** The routes of this cluster the VRF holds (after create/update: exactly the desired ones). */
  routes: RouteMap;
  /** The VRF's uuid, which tells the recorded controller from another one at the same address. */
  vrfUuid?: string;
  cniSource: string;
  conflicts: string[];
  /** Routes of ours the VRF holds under an id we do not derive (AKO's): prefix -> that id; the next update renames. */
  adoptedRouteIds?: Record<string, string>;
  /** Set by an import until the first update: the id it was imported by (import.ts). */
  importId?: string;
}

/** One Service of a shared VIP (ClusterIpSharedVip): its name in the group's namespace and its own L4 args. */
export interface SharedMemberProps {
  service: string;
  /** The namespace the Service was given in, when given (it must be the group's). */
  namespace?: string;
  ports?: number[];
  healthMonitor?: string | HealthMonitorArgs;
  pool?: PoolArgs;
  portPools?: Record<string, PoolArgs>;
}

export interface VirtualServiceProps extends ConnectionProps, LocationProps {
  cluster: string;
  namespace: string;
  /** The Service's name; a shared VIP's group key (ClusterIpSharedVip). */
  service: string;
  vrf: string;
  cloud: string;
  tenant: string;
  seGroup?: string;
  /** A static address, or an IPAM network (and subnet) to allocate from; check() fills it from the Service's
   * ako.vmware.com/load-balancer-ip annotation or spec.loadBalancerIP when not given. Changing it replaces. */
  vip: { address?: string; network?: string; subnet?: string };
  applicationProfile?: string;
  networkProfile?: string;
  /** A monitor's name, or one to create (the same as pool.healthMonitor). */
  healthMonitor?: string | HealthMonitorArgs;
  /** L4 settings of every pool; per port in portPools ("80", "53/UDP"). */
  pool?: PoolArgs;
  portPools?: Record<string, PoolArgs>;
  /** CIDRs allowed to reach the VIP; default the Service's spec.loadBalancerSourceRanges; [] for none. */
  sourceRanges?: string[];
  /** analytics_policy.full_client_logs.enabled; absent: left as the controller has it. */
  fullClientLogs?: boolean;
  /** A shared VIP's Services (absent for a ClusterIpVirtualService). */
  members?: SharedMemberProps[];
  /** Service ports to expose (default: all of the Service's ports). */
  ports?: number[];
  membership?: MembershipProp;
  /**
   * Desired pools by name, resolved by check() from the Service's EndpointSlices (the unknown sentinel when
   * unknown); in membership "sync" without servers (the sync keeps them).
   */
  pools?: PoolMap | PoolShapeMap | string;
  /**
   * The L4 settings check() resolved, every value explicit (what preview shows and the controller gets): per pool
   * its monitor, algorithm, persistence and drain; the monitors and persistence profiles this resource owns; the
   * source ranges. One entry per pool and per owned object, never per server. Absent in state written before it.
   */
  l4?: L4Plan | string;
  /** Ports without endpoints, unusable addresses, clamped timeouts; informative, never a reason to update. */
  conflicts?: string[];
  /** Create only: take over the objects AKO made for this Service instead of refusing them. */
  adopt?: boolean;
  /** The loadBalancerClass this resource answers to (default avi-k8s.io/lb): a Service of another class is refused. */
  loadBalancerClass?: string;
  /**
   * Mode nodeportlocal: let the resource set the Service's nodeportlocal.antrea.io/enabled annotation (and remove it
   * on destroy, when it set it). Without it a Service lacking the annotation is an error: never patched silently.
   */
  annotateService?: boolean;
  /** Mode nodeport: each node's address is taken inside these networks (multi-NIC nodes), as the routes' next hop. */
  nodeNetworks?: string[];
}
export const VS_INPUT_KEYS = [
  "cluster",
  "namespace",
  "service",
  "vrf",
  "cloud",
  "tenant",
  "seGroup",
  "vip",
  "ports",
  "applicationProfile",
  "networkProfile",
  "healthMonitor",
  "pool",
  "portPools",
  "sourceRanges",
  "fullClientLogs",
  "members",
  "membership",
  "loadBalancerClass",
  "pools",
  "l4",
  "mode",
  "nodeSelector",
  "nodeNetworks",
  "annotateService",
] as const;
/** A new VIP replaces the virtual service, deleting first: the controller cannot move a VsVip's address in place. */
export const VS_REPLACE_KEYS = [
  "cluster",
  "namespace",
  "service",
  "vrf",
  "cloud",
  "tenant",
  "controllerUrl",
  "vip",
] as const;

export interface VirtualServiceOuts extends Omit<VirtualServiceProps, "pools"> {
  pools: LivePoolMap;
  virtualServiceName: string;
  virtualServiceUuid: string;
  vsVipUuid: string;
  /** The VIP the controller holds: the static one, or the one IPAM allocated. */
  vipAddress: string;
  conflicts: string[];
  warnings: string[];
  /** Set by an import until the first update: the id it was imported by (import.ts). */
  importId?: string;
  /** "ako" while the objects are AKO's shape: updates and deletes take them over (provider/avi/adopt.ts). */
  adoptedFrom?: "ako";
  /**
   * The Services whose nodeportlocal.antrea.io/enabled annotation this resource set (annotateService): removed on
   * destroy, or when the resource stops asking for it. Absent: it set none.
   */
  annotated?: string[];
}
