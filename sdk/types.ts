// The argument and output types users write against. Every argument accepts a pulumi.Input.
import type * as pulumi from "@pulumi/pulumi";
import type { CniChoice, Protocol } from "../provider/plan/types";

export type { CniChoice, Protocol };

/**
 * The Avi Controller connection. Each value left out is taken from stack config (`avi-k8s:controller`,
 * `avi-k8s:username`, `avi-k8s:password`, `avi-k8s:token`, `avi-k8s:tenant`, `avi-k8s:apiVersion`,
 * `avi-k8s:caBundle`), then from the environment (AVI_CONTROLLER, AVI_USERNAME, AVI_PASSWORD, AVI_AUTH_TOKEN,
 * AVI_TENANT, AVI_VERSION, AVI_CA_BUNDLE). Values from config and environment never reach the state; a password or
 * token given here is stored as a secret.
 */
export interface AviConnectionArgs {
  /** https://controller[:port] */
  controller?: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  /** An API token, instead of the password. */
  token?: pulumi.Input<string>;
  /** Tenant of every object; default "admin". Changing it replaces the objects. */
  tenant?: pulumi.Input<string>;
  /** X-Avi-Version, e.g. "22.1.3", or "auto" for the controller's own. */
  apiVersion?: pulumi.Input<string>;
  /** The CA that signed the controller's certificate: PEM text or a file path. */
  caBundle?: pulumi.Input<string>;
  /** Skip TLS verification (labs only). */
  insecure?: pulumi.Input<boolean>;
}

/**
 * Where to read the cluster from. Left out: `avi-k8s:kubeconfigPath`, `avi-k8s:kubeconfig` (content) and
 * `avi-k8s:kubeContext` in stack config, then the client's defaults (KUBECONFIG, ~/.kube/config, in-cluster).
 * Kubeconfig content given here is stored as a secret.
 */
export interface KubeConnectionArgs {
  kubeconfigPath?: pulumi.Input<string>;
  /** Kubeconfig YAML. */
  kubeconfig?: pulumi.Input<string>;
  context?: pulumi.Input<string>;
  inCluster?: pulumi.Input<boolean>;
}

/** A Service by name, or anything shaped like a @pulumi/kubernetes core.v1.Service. */
export type ServiceRef = { namespace?: pulumi.Input<string>; name: pulumi.Input<string> } | ServiceLike;

/** The part of a @pulumi/kubernetes core.v1.Service we use (structural, so no runtime dependency on it). */
export interface ServiceLike {
  metadata: pulumi.Output<{ namespace?: string; name?: string }>;
}

/** A static VIP, or an address allocated by IPAM from a network (optionally one subnet of it). */
export type VipArgs =
  | { address: pulumi.Input<string> }
  | { network: pulumi.Input<string>; subnet?: pulumi.Input<string> };

export interface RouteOutput {
  routeId: string;
  /** The node's pod CIDR, e.g. "192.168.101.0/24". */
  prefix: string;
  /** The node's address, e.g. "10.100.1.101". */
  nextHop: string;
  node?: string;
}

export interface ServerOutput {
  ip: string;
  port: number;
  /** False for a pod that is not ready or is terminating: it stays in the pool, drained. */
  enabled: boolean;
  node?: string;
  pod?: string;
}

export interface PoolOutput {
  name: string;
  uuid: string;
  servicePort: number;
  protocol: Protocol;
  servers: ServerOutput[];
}
