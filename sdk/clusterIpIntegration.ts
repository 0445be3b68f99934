// ClusterIpIntegration: the common case in one resource: the cluster's routes, plus a virtual service for each
// listed Service, sharing one connection. Virtual services depend on the routes, so they are created after them
// and deleted before them (their pool servers are only reachable through the routes).
import * as pulumi from "@pulumi/pulumi";
import { ClusterIpRoutes } from "./clusterIpRoutes";
import { ClusterIpSharedVip, type ClusterIpSharedVipArgs } from "./clusterIpSharedVip";
import { ClusterIpVirtualService, type ClusterIpVirtualServiceArgs } from "./clusterIpVirtualService";
import type { AviConnectionArgs, CniChoice, KubeConnectionArgs, Membership, RouteOutput } from "./types";

export interface IntegrationServiceArgs
  extends Omit<ClusterIpVirtualServiceArgs, "cluster" | "vrf" | "cloud" | "avi" | "kubernetes" | "membership"> {
  /** Names the child resource `<integration>-<key>`; default the Service's name when given as a plain string. */
  key?: string;
}

/** A shared VIP of the integration: named `<integration>-shared-<key>`. */
export type IntegrationSharedVipArgs = Omit<
  ClusterIpSharedVipArgs,
  "cluster" | "vrf" | "cloud" | "avi" | "kubernetes" | "membership"
>;

export interface ClusterIpIntegrationArgs {
  cluster: pulumi.Input<string>;
  vrf?: pulumi.Input<string>;
  cloud?: pulumi.Input<string>;
  cni?: pulumi.Input<CniChoice>;
  nodeNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  services?: IntegrationServiceArgs[];
  /** Groups of Services on one VIP each (e.g. DNS on 53/TCP and 53/UDP). */
  sharedVips?: IntegrationSharedVipArgs[];
  /** "pulumi" (default) or "sync" for the routes, every virtual service and every shared VIP (see ClusterIpVirtualServiceArgs). */
  membership?: pulumi.Input<Membership>;
  avi?: AviConnectionArgs;
  kubernetes?: KubeConnectionArgs;
}

/** A child name that stays the same across runs: an explicit key, a literal Service name, else the position. */
function childKey(s: IntegrationServiceArgs, index: number): string {
  if (s.key) return s.key;
  const svc = s.service as { name?: unknown; namespace?: unknown };
  if (typeof svc.name === "string") {
    return typeof svc.namespace === "string" && svc.namespace !== "default" ? `${svc.namespace}-${svc.name}` : svc.name;
  }
  return String(index);
}

export class ClusterIpIntegration extends pulumi.ComponentResource {
  readonly routes: ClusterIpRoutes;
  readonly virtualServices: ClusterIpVirtualService[];
  readonly sharedVips: ClusterIpSharedVip[];
  /** The cluster's routes in the VRF. */
  readonly routeList: pulumi.Output<RouteOutput[]>;
  /** One VIP per service, in the order of `services`. */
  readonly vipAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterIpIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("avi-k8s:index:ClusterIpIntegration", name, {}, opts);
    const shared = {
      cluster: args.cluster,
      vrf: args.vrf,
      cloud: args.cloud,
      avi: args.avi,
      kubernetes: args.kubernetes,
      membership: args.membership,
    };
    this.routes = new ClusterIpRoutes(
      `${name}-routes`,
      { ...shared, cni: args.cni, nodeNetworks: args.nodeNetworks },
      { parent: this },
    );
    const keys = new Set<string>();
    this.virtualServices = (args.services ?? []).map((s, i) => {
      const key = childKey(s, i);
      if (keys.has(key)) throw new Error(`ClusterIpIntegration ${name}: two services share the key '${key}'; set key.`);
      keys.add(key);
      const { key: _key, ...vsArgs } = s;
      return new ClusterIpVirtualService(
        `${name}-${key}`,
        { ...vsArgs, ...shared },
        { parent: this, dependsOn: [this.routes] },
      );
    });
    this.sharedVips = (args.sharedVips ?? []).map((g, i) => {
      const key = typeof g.key === "string" ? g.key : String(i);
      if (keys.has(`shared-${key}`))
        throw new Error(`ClusterIpIntegration ${name}: two shared VIPs share the key '${key}'.`);
      keys.add(`shared-${key}`);
      return new ClusterIpSharedVip(
        `${name}-shared-${key}`,
        { ...g, ...shared },
        { parent: this, dependsOn: [this.routes] },
      );
    });
    this.routeList = this.routes.routeList;
    this.vipAddresses = pulumi.all(this.virtualServices.map((v) => v.vipAddress));
    // Not the routes: registered outputs are stored in the state, and the routes are there once already.
    this.registerOutputs({ vipAddresses: this.vipAddresses });
  }
}
