// Plain-data shapes the reconciler takes and returns. Everything is JSON-clean so the Pulumi dynamic providers can
// store it as state and the CLI can print it.

import type { L4Plan } from "../plan/l4types";
import type { DesiredPool, DesiredServer, Protocol } from "../plan/types";
import type { Membership } from "./markers";

export interface RouteTarget {
  cluster: string;
  /** VRF context name; default "global". */
  vrf?: string;
  tenant?: string;
  /** Narrows the VRF lookup when several clouds have a VRF of that name. */
  cloud?: string;
  /** Attempts of GET + merge + PUT when other writers keep changing the VRF (412); default 12. */
  maxConflictRetries?: number;
  /** When set, applyRoutes first checks that this SE group is not labelled for another cluster. */
  seGroup?: string;
  /** What to do when it is; default "fail". */
  seGroupPolicy?: "fail" | "warn";
}

/** The mode a pool's servers come from (absent: clusterip) and what nodeport selects nodes by. */
export interface ServerSource {
  mode: "clusterip" | "nodeport" | "nodeportlocal";
  nodeSelector?: string;
  nodeNetworks?: string[];
}

export type VipSpec = { address?: string } | { network: string; subnet?: string };

export interface VirtualServiceSpec {
  cluster: string;
  namespace: string;
  service: string;
  tenant?: string;
  cloud?: string;
  vrf?: string;
  /** Service Engine group; checked for another cluster's label. Default "Default-Group". */
  seGroup?: string;
  /** A static VIP address, or auto-allocation from an IPAM network (and subnet, "10.10.0.0/24"). */
  vip: VipSpec;
  ports: { port: number; protocol: Protocol }[];
  /** One per service port, named by provider/plan's poolName. */
  pools: DesiredPool[];
  /** Default System-L4-Application. */
  applicationProfile?: string;
  /** Default by protocol: System-TCP-Proxy, System-UDP-Fast-Path, System-SCTP-Proxy. */
  networkProfile?: string;
  /** Default by protocol: System-TCP, System-UDP, System-SCTP (l4, when given, names each pool's). */
  healthMonitor?: string;
  /** The L4 settings check() resolved: per pool monitor, balancing, persistence, drain; owned monitors and
   * persistence profiles; source ranges; client logs. Absent: AKO's defaults and no owned objects. */
  l4?: L4Plan;
  /** A shared VIP's group key: `service` is the key too, and the pools carry each member's name. */
  sharedVip?: string;
  /** What to do when the SE group carries another cluster's label; default "fail". */
  seGroupPolicy?: "fail" | "warn";
  /** Attempts of a PUT that meets 412 (someone else changed the object); default 8. */
  maxConflictRetries?: number;
  /**
   * Who keeps the pools' servers: "pulumi" (default; every apply writes them) or "sync" (`avi-k8s sync` does; the
   * pools carry the membership marker, an apply writes servers only into a pool it creates and otherwise keeps the
   * controller's, see membership.ts).
   */
  membership?: Membership;
  /**
   * How the servers reach the pods, for `avi-k8s sync`: a sync pool of mode nodeport or nodeportlocal carries it
   * (and nodeport's node selector and node networks) in markers, so the sync plans it as its resource did.
   */
  serverSource?: ServerSource;
  /** Preview only: false when the caller does not know the VIP settings (the plan command), so the VsVip is
   * only looked up and its VIP not compared. Default true. */
  compareVip?: boolean;
  /**
   * Adopting objects AKO made (provider/avi/adopt.ts): objects created by `ako-<cluster>` with this service's
   * markers are taken over, and so is the VsVip the virtual service refers to when it carries only this cluster's
   * clustername marker (AKO marks VsVips so). Without it such objects are refused. Default false.
   */
  adopt?: boolean;
}

export interface PoolState {
  name: string;
  uuid: string;
  port: number;
  protocol: Protocol;
  servers: DesiredServer[];
}

export interface VirtualServiceState {
  name: string;
  vsUuid: string;
  vsvipUuid: string;
  pools: PoolState[];
  /** The VIP the controller holds (the static one, or the one IPAM allocated); "" when not yet allocated. */
  vipAddress: string;
}

export interface ServerChange {
  name: string;
  add: DesiredServer[];
  update: { from: DesiredServer; to: DesiredServer }[];
  remove: DesiredServer[];
  unchanged: DesiredServer[];
}

export type ObjectAction = "create" | "update" | "none" | "delete";

export interface VirtualServicePreview {
  name: string;
  /** Whether the virtual service exists on the controller. */
  exists: boolean;
  vsvip: ObjectAction;
  virtualService: ObjectAction;
  pools: (ServerChange & { action: ObjectAction })[];
  /** Pools of ours for ports the service no longer has. */
  orphanPools: string[];
  warnings: string[];
}

export interface ApplyVirtualServiceResult {
  state: VirtualServiceState;
  writes: number;
  warnings: string[];
}

export interface SyncPoolServersResult {
  pools: (ServerChange & { written: boolean; missing: boolean })[];
  writes: number;
}
