// ClusterIpVirtualService: the VirtualService, VsVip and one pool per Service port for one Kubernetes Service,
// whose pool servers are the Service's pod IP:targetPort (reachable through ClusterIpRoutes).
import * as pulumi from "@pulumi/pulumi";
import { connectionProps, withSecretOutputs } from "./connectionArgs";
import { virtualServiceProvider } from "./providers/virtualService";
import { poolListOf } from "./outputs";
import { commonVsInputs, VS_OUTPUTS } from "./virtualServiceInputs";
import type {
  AviConnectionArgs,
  KubeConnectionArgs,
  L4SettingsArgs,
  Membership,
  PoolListOutput,
  PoolOutput,
  ServiceLike,
  ServiceRef,
  VipArgs,
} from "./types";

export interface ClusterIpVirtualServiceArgs extends L4SettingsArgs {
  /** The cluster's name on the controller; the same as its ClusterIpRoutes. Changing it replaces. */
  cluster: pulumi.Input<string>;
  /** `{ namespace, name }` or a @pulumi/kubernetes core.v1.Service. Changing it replaces. */
  service: ServiceRef;
  /** Default: the Service's ako.vmware.com/load-balancer-ip annotation, else spec.loadBalancerIP. */
  vip?: VipArgs;
  /** Service ports to expose; default all. */
  ports?: pulumi.Input<pulumi.Input<number>[]>;
  vrf?: pulumi.Input<string>;
  cloud?: pulumi.Input<string>;
  /** Service Engine group; default "Default-Group". */
  seGroup?: pulumi.Input<string>;
  /** Default System-L4-Application. */
  applicationProfile?: pulumi.Input<string>;
  /** Default by protocol (System-TCP-Proxy, System-UDP-Fast-Path, System-SCTP-Proxy). */
  networkProfile?: pulumi.Input<string>;
  /**
   * Create only: take over the virtual service, VsVip, pools and L4 policy set AKO made for this Service (created_by
   * `ako-<cluster>`, this Service's markers) and rewrite them in this package's shape, instead of refusing them.
   * Importing them (README, "Importing and migrating from AKO") is the alternative that writes nothing.
   */
  adopt?: pulumi.Input<boolean>;
  /** CIDRs allowed to reach the VIP; default the Service's spec.loadBalancerSourceRanges; [] for no policy. */
  sourceRanges?: pulumi.Input<pulumi.Input<string>[]>;
  /** Full client logs on the virtual service on or off; default: left as the controller has it. */
  fullClientLogs?: pulumi.Input<boolean>;
  /**
   * Who keeps the pool servers: "pulumi" (default; every `up` writes the servers it resolved) or "sync"
   * (`avi-k8s sync` keeps them between runs: the first `up` writes the servers it resolved, later ones change
   * settings only and keep the servers the controller holds; preview shows no server churn). Switching either
   * way is an update.
   */
  membership?: pulumi.Input<Membership>;
  /**
   * The loadBalancerClass this package answers to; default avi-k8s.io/lb. A Service whose spec.loadBalancerClass
   * names another class (AKO's ako.vmware.com/avi-lb, MetalLB's, ...) belongs to that load balancer and is refused
   * by check, naming the class; a Service without a class, or with this one, is served.
   */
  loadBalancerClass?: pulumi.Input<string>;
  /**
   * Mode nodeportlocal (`kubernetes.mode`): let this resource set the Service's annotation
   * `nodeportlocal.antrea.io/enabled: "true"` (Antrea then maps its pods' ports) and remove it on destroy. Without
   * it the Service must carry the annotation already: it is never patched silently.
   */
  annotateService?: pulumi.Input<boolean>;
  /** Mode nodeport: take each node's address inside these networks (multi-NIC nodes); default its InternalIP. */
  nodeNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  avi?: AviConnectionArgs;
  kubernetes?: KubeConnectionArgs;
}

function isServiceLike(s: ServiceRef): s is ServiceLike {
  return typeof s === "object" && s !== null && "metadata" in s;
}

/** Namespace and name, from either form; a Service's outputs carry its dependency along. */
export function serviceIdentity(s: ServiceRef): { namespace: pulumi.Output<string>; name: pulumi.Output<string> } {
  if (isServiceLike(s)) {
    const meta = pulumi.output(s.metadata);
    return {
      namespace: meta.apply((m) => m.namespace ?? "default"),
      name: meta.apply((m) => m.name ?? ""),
    };
  }
  return { namespace: pulumi.output(s.namespace ?? "default"), name: pulumi.output(s.name) };
}

export class ClusterIpVirtualService extends pulumi.dynamic.Resource {
  declare readonly cluster: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  declare readonly service: pulumi.Output<string>;
  /** The tenant of the objects, recorded at create. */
  declare readonly tenant: pulumi.Output<string>;
  /** The controller the objects are on, recorded at create whatever named it (args, stack config, environment). */
  declare readonly controllerUrl: pulumi.Output<string>;
  /** The Kubernetes API server the endpoints were read from. */
  declare readonly kubeServer: pulumi.Output<string>;
  declare readonly virtualServiceName: pulumi.Output<string>;
  declare readonly virtualServiceUuid: pulumi.Output<string>;
  declare readonly vsVipUuid: pulumi.Output<string>;
  /** The VIP the controller holds: the static address, or the one IPAM allocated. */
  declare readonly vipAddress: pulumi.Output<string>;
  /** One pool per exposed Service port by name, with its servers as the controller holds them. */
  declare readonly pools: pulumi.Output<Record<string, PoolOutput>>;
  /** The same pools as a list (computed in the program, not stored). */
  readonly poolList: pulumi.Output<PoolListOutput[]>;
  /** The L4 settings written: per pool monitor, algorithm, persistence, drain; owned monitors and profiles; ranges. */
  declare readonly l4: pulumi.Output<unknown>;
  /** The cluster's mode when not clusterip ("nodeport", "nodeportlocal"), wherever it was set. */
  declare readonly mode: pulumi.Output<string | undefined>;
  /** Ports without endpoints, unusable addresses, clamped timeouts. */
  declare readonly conflicts: pulumi.Output<string[]>;
  declare readonly warnings: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterIpVirtualServiceArgs, opts?: pulumi.CustomResourceOptions) {
    const svc = serviceIdentity(args.service);
    super(
      virtualServiceProvider,
      name,
      {
        ...connectionProps(args.avi, args.kubernetes),
        cluster: args.cluster,
        namespace: svc.namespace,
        service: svc.name,
        vip: args.vip,
        ports: args.ports,
        ...commonVsInputs(args),
        adopt: args.adopt,
        portPools: args.portPools,
        ...VS_OUTPUTS,
      },
      withSecretOutputs(opts),
      "avi-k8s",
      "ClusterIpVirtualService",
    );
    this.poolList = this.pools.apply(poolListOf);
  }
}

/**
 * The same resource under a name that reads right in every mode (`kubernetes.mode`: clusterip, nodeport,
 * nodeportlocal): the VirtualService, VsVip and pools of one Service. Same type as ClusterIpVirtualService, so a
 * program can switch between the two names without replacing anything (add an alias if the resource name changes).
 */
export class AviK8sVirtualService extends ClusterIpVirtualService {}
export type AviK8sVirtualServiceArgs = ClusterIpVirtualServiceArgs;
