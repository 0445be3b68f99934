// ClusterIpSharedVip: several Services of one namespace on one VsVip and one virtual service (AKO's
// `ako.vmware.com/enable-shared-vip`), e.g. DNS on 53/TCP and 53/UDP from two Services. The group is one resource
// because each Pulumi resource is created and deleted on its own: a VS shared by several ClusterIpVirtualServices
// would need one of them to own it, and deleting that one would take the VIP from the others. Here the VIP lives as
// long as the group: members join and leave by update (their pools are added, or deleted once the VS stops
// referring to them), and the VIP goes only when the group is destroyed.
import * as pulumi from "@pulumi/pulumi";
import { serviceIdentity } from "./clusterIpVirtualService";
import { connectionProps, withSecretOutputs } from "./connectionArgs";
import { poolListOf } from "./outputs";
import { commonVsInputs, VS_OUTPUTS } from "./virtualServiceInputs";
import { virtualServiceProvider } from "./providers/virtualService";
import type {
  AviConnectionArgs,
  HealthMonitorArgs,
  KubeConnectionArgs,
  Membership,
  PoolArgs,
  PoolListOutput,
  PoolOutput,
  ServiceRef,
  VipArgs,
} from "./types";

/** One Service of the group, with the settings of its own pools. */
export interface SharedVipServiceArgs {
  /** A Service name in the group's namespace, `{ namespace, name }`, or a @pulumi/kubernetes Service. */
  service: pulumi.Input<string> | ServiceRef;
  /** Service ports to expose; default all. A port and protocol may be on the VIP once. */
  ports?: pulumi.Input<pulumi.Input<number>[]>;
  healthMonitor?: pulumi.Input<string | HealthMonitorArgs>;
  pool?: pulumi.Input<PoolArgs>;
  portPools?: pulumi.Input<Record<string, pulumi.Input<PoolArgs>>>;
}

export interface ClusterIpSharedVipArgs {
  cluster: pulumi.Input<string>;
  /** The group key (AKO's enable-shared-vip value): names the VS and VsVip `<cluster>--<ns>-<key>`. Changing it replaces. */
  key: pulumi.Input<string>;
  /** The Services' namespace; default "default". Changing it replaces. */
  namespace?: pulumi.Input<string>;
  services: SharedVipServiceArgs[];
  /** Default: the Services' ako.vmware.com/load-balancer-ip annotation (or spec.loadBalancerIP), which must agree. */
  vip?: VipArgs;
  vrf?: pulumi.Input<string>;
  cloud?: pulumi.Input<string>;
  seGroup?: pulumi.Input<string>;
  applicationProfile?: pulumi.Input<string>;
  networkProfile?: pulumi.Input<string>;
  /** Every member's pools, under each member's own settings. */
  healthMonitor?: pulumi.Input<string | HealthMonitorArgs>;
  pool?: pulumi.Input<PoolArgs>;
  /** Default: the Services' loadBalancerSourceRanges, which must agree (one policy guards the one VIP). */
  sourceRanges?: pulumi.Input<pulumi.Input<string>[]>;
  fullClientLogs?: pulumi.Input<boolean>;
  /**
   * Who keeps the members' pool servers: "pulumi" (default) or "sync" (`avi-k8s sync` keeps them, each pool from
   * its member Service's endpoints), as on ClusterIpVirtualService.
   */
  membership?: pulumi.Input<Membership>;
  /**
   * The loadBalancerClass this package answers to; default avi-k8s.io/lb. A Service whose spec.loadBalancerClass
   * names another class (AKO's ako.vmware.com/avi-lb, MetalLB's, ...) belongs to that load balancer and is refused
   * by check, naming the class; a Service without a class, or with this one, is served.
   */
  loadBalancerClass?: pulumi.Input<string>;
  /** Mode nodeportlocal: set (and on destroy remove) every member's nodeportlocal.antrea.io/enabled annotation. */
  annotateService?: pulumi.Input<boolean>;
  /** Mode nodeport: take each node's address inside these networks (multi-NIC nodes). */
  nodeNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  avi?: AviConnectionArgs;
  kubernetes?: KubeConnectionArgs;
}

function memberProps(m: SharedVipServiceArgs) {
  const s = m.service as unknown;
  const isRef = typeof s === "object" && s !== null && ("metadata" in s || "name" in s) && !pulumi.Output.isInstance(s);
  const id = isRef ? serviceIdentity(s as ServiceRef) : undefined;
  return {
    service: id ? id.name : (m.service as pulumi.Input<string>),
    ...(id ? { namespace: id.namespace } : {}),
    ports: m.ports,
    healthMonitor: m.healthMonitor,
    pool: m.pool,
    portPools: m.portPools,
  };
}

export class ClusterIpSharedVip extends pulumi.dynamic.Resource {
  declare readonly cluster: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  /** The group key (stored as `service`, which names the objects as AKO names a shared VIP's). */
  declare readonly service: pulumi.Output<string>;
  declare readonly tenant: pulumi.Output<string>;
  declare readonly controllerUrl: pulumi.Output<string>;
  declare readonly kubeServer: pulumi.Output<string>;
  declare readonly virtualServiceName: pulumi.Output<string>;
  declare readonly virtualServiceUuid: pulumi.Output<string>;
  declare readonly vsVipUuid: pulumi.Output<string>;
  declare readonly vipAddress: pulumi.Output<string>;
  /** Every member's pools by name (`<cluster>--<ns>-<svc>-<key>-<PROTO>-<port>`). */
  declare readonly pools: pulumi.Output<Record<string, PoolOutput>>;
  readonly poolList: pulumi.Output<PoolListOutput[]>;
  declare readonly l4: pulumi.Output<unknown>;
  /** The cluster's mode when not clusterip ("nodeport", "nodeportlocal"), wherever it was set. */
  declare readonly mode: pulumi.Output<string | undefined>;
  declare readonly conflicts: pulumi.Output<string[]>;
  declare readonly warnings: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterIpSharedVipArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      virtualServiceProvider,
      name,
      {
        ...connectionProps(args.avi, args.kubernetes),
        cluster: args.cluster,
        namespace: args.namespace ?? "default",
        service: args.key,
        members: args.services.map(memberProps),
        vip: args.vip,
        ...commonVsInputs(args),
        ...VS_OUTPUTS,
      },
      withSecretOutputs(opts),
      "avi-k8s",
      "ClusterIpSharedVip",
    );
    this.poolList = this.pools.apply(poolListOf);
  }
}

/** ClusterIpSharedVip under a name that reads right in every mode (same type: switching names replaces nothing). */
export class AviK8sSharedVip extends ClusterIpSharedVip {}
export type AviK8sSharedVipArgs = ClusterIpSharedVipArgs;
