// What the dynamic providers store: the checked inputs and the outputs of each resource, as plain JSON. These
// shapes live in Pulumi state, and resources created by an older version are read and deleted by the closure
// stored with them, so change them additively only.
import type { CniChoice, Protocol } from "../../provider/plan/types";

/** Connection settings given as resource args. Secrets (password, token, kubeconfig) are secret in state. */
export interface ConnectionProps {
  controller?: string;
  username?: string;
  password?: string;
  token?: string;
  apiVersion?: string;
  /** PEM, or a path to a PEM file. */
  caBundle?: string;
  insecure?: boolean;
  kubeconfigPath?: string;
  /** Kubeconfig content (YAML). */
  kubeconfig?: string;
  kubeContext?: string;
  inCluster?: boolean;
}

/** The keys check() copies from the args; anything else the program sends is dropped. */
export const CONNECTION_KEYS = [
  "controller",
  "username",
  "password",
  "token",
  "apiVersion",
  "caBundle",
  "insecure",
  "kubeconfigPath",
  "kubeconfig",
  "kubeContext",
  "inCluster",
] as const;
export const SECRET_KEYS = ["password", "token", "kubeconfig"] as const;

export interface RouteEntry {
  routeId: string;
  prefix: string;
  nextHop: string;
  /** The node that owns the prefix; absent for a route read back from the controller that we did not plan. */
  node?: string;
}

export interface RoutesProps extends ConnectionProps {
  cluster: string;
  vrf: string;
  cloud: string;
  tenant: string;
  cni: CniChoice;
  nodeNetworks: string[];
  /** Desired routes, resolved by check() from the live cluster (the unknown sentinel while inputs are unknown). */
  routes?: RouteEntry[] | string;
  /** The pod-CIDR source check() used (after `auto`). */
  cniSource?: string;
  /** Nodes or CIDRs that get no route, and foreign routes overlapping ours; informative, never a reason to update. */
  conflicts?: string[];
}
export const ROUTES_INPUT_KEYS = ["cluster", "vrf", "cloud", "tenant", "cni", "nodeNetworks", "routes"] as const;
export const ROUTES_REPLACE_KEYS = ["cluster", "vrf", "cloud", "tenant"] as const;

export interface RoutesOuts extends RoutesProps {
  /** The routes of this cluster the controller holds (after create/update: exactly the desired ones). */
  routes: RouteEntry[];
  cniSource: string;
  conflicts: string[];
}

export interface ServerEntry {
  ip: string;
  port: number;
  enabled: boolean;
  node?: string;
  pod?: string;
}

export interface PoolEntry {
  name: string;
  servicePort: number;
  protocol: Protocol;
  servers: ServerEntry[];
}

export interface VirtualServiceProps extends ConnectionProps {
  cluster: string;
  namespace: string;
  service: string;
  vrf: string;
  cloud: string;
  tenant: string;
  seGroup?: string;
  /** A static address, or an IPAM network (and subnet) to allocate from. */
  vip: { address?: string; network?: string; subnet?: string };
  applicationProfile?: string;
  networkProfile?: string;
  healthMonitor?: string;
  /** Service ports to expose (default: all of the Service's ports). */
  ports?: number[];
  /** Desired pools, resolved by check() from the Service's EndpointSlices (the unknown sentinel when unknown). */
  pools?: PoolEntry[] | string;
  /** Ports without endpoints, unusable addresses; informative, never a reason to update. */
  conflicts?: string[];
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
  "pools",
] as const;
export const VS_REPLACE_KEYS = ["cluster", "namespace", "service", "vrf", "cloud", "tenant"] as const;

export interface VirtualServiceOuts extends VirtualServiceProps {
  pools: (PoolEntry & { uuid: string })[];
  virtualServiceName: string;
  virtualServiceUuid: string;
  vsVipUuid: string;
  /** The VIP the controller holds: the static one, or the one IPAM allocated. */
  vipAddress: string;
  conflicts: string[];
  warnings: string[];
}
