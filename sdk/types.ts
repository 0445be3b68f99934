// The argument and output types users write against. Every argument accepts a pulumi.Input.
import type * as pulumi from "@pulumi/pulumi";
import type { HealthMonitorArgs, PoolArgs } from "../provider/plan/l4types";
import type { Protocol } from "../provider/plan/types";
import type { SETTINGS, SettingKey, SettingType } from "../provider/settings";

export type {
  ClientIpPersistenceArgs,
  HealthMonitorArgs,
  LbAlgorithm,
  LbHash,
  MonitorType,
  PoolArgs,
  ResponseCode,
  ServerDisableType,
} from "../provider/plan/l4types";
export type { CniChoice, Mode, Protocol } from "../provider/plan/types";

/**
 * The L4 settings of a virtual service's pools (README, "L4 settings"): `healthMonitor` and `pool` for every port,
 * `portPools` per port ("80", or "53/UDP" for one protocol), field by field over `pool`.
 */
export interface L4SettingsArgs {
  /** A monitor's name (must exist), or `{ type, interval, ... }` / `{ fromReadinessProbe: true }` to create one. */
  healthMonitor?: pulumi.Input<string | HealthMonitorArgs>;
  pool?: pulumi.Input<PoolArgs>;
  portPools?: pulumi.Input<Record<string, pulumi.Input<PoolArgs>>>;
}

/** Who keeps the members (routes, pool servers): every `up` ("pulumi") or `avi-k8s sync` between runs ("sync"). */
export type Membership = "pulumi" | "sync";

type Settings = typeof SETTINGS;
type ArgsOf<G extends "avi" | "kubernetes"> = {
  [K in SettingKey as Settings[K]["group"] extends G ? Settings[K]["arg"] : never]?: pulumi.Input<SettingType<K>>;
};

/**
 * The Avi Controller connection: controller, username, password | token, tenant, apiVersion, caBundle, insecure
 * (provider/settings/schema.ts; the README's settings table). Each value left out is taken from stack config
 * (`avi-k8s:<name>`), then from the environment (AVI_CONTROLLER, AVI_USERNAME, ...). Values from config and the
 * environment never reach the state; a password or token given here is stored as a secret input. The controller
 * and tenant a resource was created on are recorded in its state whatever named them.
 */
export type AviConnectionArgs = ArgsOf<"avi">;

/**
 * Where to read the cluster from: kubeconfigPath | kubeconfig (content, secret) | inCluster, and context. Left
 * out: `avi-k8s:kubeconfigPath`, `avi-k8s:kubeconfig` and `avi-k8s:kubeContext` in stack config, then the client's
 * defaults (KUBECONFIG, ~/.kube/config). The API server the placement is read from is recorded in the state.
 */
export type KubeConnectionArgs = ArgsOf<"kubernetes">;

/** A Service by name, or anything shaped like a @pulumi/kubernetes core.v1.Service. */
export type ServiceRef = { namespace?: pulumi.Input<string>; name: pulumi.Input<string> } | ServiceLike;

/** The part of a @pulumi/kubernetes core.v1.Service we use (structural, so no runtime dependency on it). */
export interface ServiceLike {
  metadata: pulumi.Output<{ namespace?: string; name?: string }>;
}

/**
 * A static VIP, or an address allocated by IPAM from a network (optionally one subnet of it). Left out, the Service's
 * annotation ako.vmware.com/load-balancer-ip (else spec.loadBalancerIP) gives the address. Changing it replaces the
 * virtual service (deleting first): the controller cannot move a VIP in place.
 */
export type VipArgs =
  | { address: pulumi.Input<string> }
  | { network: pulumi.Input<string>; subnet?: pulumi.Input<string> };

/** A static route, as `routeList` gives it. */
export interface RouteOutput {
  /** `<cluster>-<prefix>`, e.g. "c1-192.168.101.0-24". */
  routeId: string;
  /** The node's pod CIDR, e.g. "192.168.101.0/24". */
  prefix: string;
  /** The node's address, e.g. "10.100.1.101". */
  nextHop: string;
  /** Known in preview (from the cluster); the controller does not hold node names. */
  node?: string;
}

/** A pool server, as `poolList` gives it. */
export interface ServerOutput {
  ip: string;
  port: number;
  /** False for a pod that is not ready or is terminating: it stays in the pool, drained. */
  enabled: boolean;
  node?: string;
  /** Known in preview (from the cluster); the controller does not hold pod names. */
  pod?: string;
}

/** One pool by name in the `pools` output: servers keyed by "ip:port", valued "node" or "node disabled". */
export interface PoolOutput {
  uuid: string;
  servicePort: number;
  protocol: Protocol;
  servers: Record<string, string>;
}

/** A pool, as `poolList` gives it. */
export interface PoolListOutput {
  name: string;
  uuid: string;
  servicePort: number;
  protocol: Protocol;
  servers: ServerOutput[];
}
