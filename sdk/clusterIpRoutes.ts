// ClusterIpRoutes: one static route per node pod CIDR (prefix -> node address) in one VRF, labelled
// clustername=<cluster>; routes of other clusters and unlabelled routes in the VRF are never touched.
import * as pulumi from "@pulumi/pulumi";
import { connectionProps, withSecretOutputs } from "./connectionArgs";
import { routeListOf } from "./outputs";
import { routesProvider } from "./providers/routes";
import type { AviConnectionArgs, CniChoice, KubeConnectionArgs, Membership, RouteOutput } from "./types";

export interface ClusterIpRoutesArgs {
  /** The cluster's name on the controller (AKO's clusterName): letters, digits, '_' and '-'. Changing it replaces. */
  cluster: pulumi.Input<string>;
  /** VRF context; default "global". Changing it replaces. */
  vrf?: pulumi.Input<string>;
  /** Cloud of the VRF; default "Default-Cloud". Changing it replaces. */
  cloud?: pulumi.Input<string>;
  /** Where node pod CIDRs come from; default "auto" (detected from what the cluster serves). */
  cni?: pulumi.Input<CniChoice>;
  /** Pick each node's next hop inside these networks (for multi-NIC nodes); default the node's InternalIP. */
  nodeNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Who keeps the routes: "pulumi" (default; every `up` writes the routes it resolved) or "sync" (`avi-k8s sync`
   * keeps them between runs: the first `up` writes the routes it resolved and records the settings the sync
   * needs on the controller; later ones update that record only; preview shows no route churn).
   */
  membership?: pulumi.Input<Membership>;
  avi?: AviConnectionArgs;
  kubernetes?: KubeConnectionArgs;
}

export class ClusterIpRoutes extends pulumi.dynamic.Resource {
  declare readonly cluster: pulumi.Output<string>;
  declare readonly vrf: pulumi.Output<string>;
  declare readonly cloud: pulumi.Output<string>;
  /** The tenant of the routes, recorded at create. */
  declare readonly tenant: pulumi.Output<string>;
  /** The controller the routes are on, recorded at create whatever named it (args, stack config, environment). */
  declare readonly controllerUrl: pulumi.Output<string>;
  /** The Kubernetes API server the nodes were read from. */
  declare readonly kubeServer: pulumi.Output<string>;
  /** The cluster's routes the VRF holds: prefix -> next hop ("next hop node" in preview, from the cluster). */
  declare readonly routes: pulumi.Output<Record<string, string>>;
  /** The same routes as a list (computed in the program, not stored). */
  readonly routeList: pulumi.Output<RouteOutput[]>;
  /** The pod-CIDR source used, e.g. "calico" when `cni` was "auto". */
  declare readonly cniSource: pulumi.Output<string>;
  /** Nodes or CIDRs that got no route, and foreign routes overlapping ours. */
  declare readonly conflicts: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterIpRoutesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      routesProvider,
      name,
      {
        ...connectionProps(args.avi, args.kubernetes),
        cluster: args.cluster,
        vrf: args.vrf,
        cloud: args.cloud,
        cni: args.cni,
        nodeNetworks: args.nodeNetworks,
        membership: args.membership,
        routes: undefined,
        cniSource: undefined,
        conflicts: undefined,
        controllerUrl: undefined,
        kubeServer: undefined,
      },
      withSecretOutputs(opts),
      "avi-k8s",
      "ClusterIpRoutes",
    );
    this.routeList = pulumi.all([this.cluster, this.routes]).apply(([c, r]) => routeListOf(c, r));
  }
}
