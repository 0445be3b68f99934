// AviK8sIntegration (and ClusterIpIntegration, its mode-clusterip name): the common case in one resource: the
// cluster's routes (mode clusterip only), plus a virtual service for each listed Service, sharing one connection.
// Virtual services depend on the routes, so they are created after them and deleted before them (their pool
// servers are only reachable through the routes). In modes nodeport and nodeportlocal there are no routes.
import * as pulumi from "@pulumi/pulumi";
import { ClusterIpRoutes } from "./clusterIpRoutes";
import { ClusterIpSharedVip, type ClusterIpSharedVipArgs } from "./clusterIpSharedVip";
import { ClusterIpVirtualService, type ClusterIpVirtualServiceArgs } from "./clusterIpVirtualService";
import { MODES, type Mode } from "../provider/plan/types";
import { CONFIG_NAMESPACE, spec } from "../provider/settings";
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

/**
 * The cluster's mode, known when the program runs: which children to create depends on it. The kubernetes.mode
 * argument (a plain string), else avi-k8s:mode in stack config, else AVI_K8S_MODE, else clusterip.
 */
export function integrationMode(name: string, kube: KubeConnectionArgs | undefined): Mode {
  const given = kube?.mode as unknown;
  let value: unknown = given;
  if (given === undefined) {
    value = new pulumi.Config(CONFIG_NAMESPACE).get("mode") ?? process.env[spec("mode").env ?? ""] ?? "clusterip";
  } else if (typeof given !== "string") {
    throw new Error(
      `Integration ${name}: kubernetes.mode must be a plain string ("clusterip", "nodeport" or "nodeportlocal"): it decides whether the routes resource exists, before any output is known.`,
    );
  }
  if (!(MODES as readonly unknown[]).includes(value)) {
    throw new Error(`Integration ${name}: mode '${String(value)}' is not one of ${MODES.join(", ")}.`);
  }
  return value as Mode;
}

/** AviK8sIntegration's arguments: ClusterIpIntegration's; the mode is `kubernetes.mode` (or stack config). */
export type AviK8sIntegrationArgs = ClusterIpIntegrationArgs;

/**
 * The integration in any mode: in clusterip the cluster's routes and the virtual services (after the routes); in
 * nodeport and nodeportlocal the virtual services alone (`routes` undefined, `routeList` empty). Same component
 * type as ClusterIpIntegration, so a program switches between the two names without replacing anything.
 */
export class AviK8sIntegration extends pulumi.ComponentResource {
  readonly mode: Mode;
  readonly routes: ClusterIpRoutes | undefined;
  readonly virtualServices: ClusterIpVirtualService[];
  readonly sharedVips: ClusterIpSharedVip[];
  /** The cluster's routes in the VRF (none outside mode clusterip). */
  readonly routeList: pulumi.Output<RouteOutput[]>;
  /** One VIP per service, in the order of `services`. */
  readonly vipAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: AviK8sIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("avi-k8s:index:ClusterIpIntegration", name, {}, opts);
    this.mode = integrationMode(name, args.kubernetes);
    const shared = {
      cluster: args.cluster,
      vrf: args.vrf,
      cloud: args.cloud,
      avi: args.avi,
      kubernetes: args.kubernetes,
      membership: args.membership,
    };
    this.routes =
      this.mode === "clusterip"
        ? new ClusterIpRoutes(
            `${name}-routes`,
            { ...shared, cni: args.cni, nodeNetworks: args.nodeNetworks },
            { parent: this },
          )
        : undefined;
    const after = this.routes ? { dependsOn: [this.routes] } : {};
    // nodeport: the node networks pick each node's address, as they pick the routes' next hops in clusterip.
    const nodeNetworks = this.mode === "nodeport" ? { nodeNetworks: args.nodeNetworks } : {};
    const keys = new Set<string>();
    this.virtualServices = (args.services ?? []).map((s, i) => {
      const key = childKey(s, i);
      if (keys.has(key)) throw new Error(`ClusterIpIntegration ${name}: two services share the key '${key}'; set key.`);
      keys.add(key);
      const { key: _key, ...vsArgs } = s;
      return new ClusterIpVirtualService(
        `${name}-${key}`,
        { ...nodeNetworks, ...vsArgs, ...shared },
        { parent: this, ...after },
      );
    });
    this.sharedVips = (args.sharedVips ?? []).map((g, i) => {
      const key = typeof g.key === "string" ? g.key : String(i);
      if (keys.has(`shared-${key}`))
        throw new Error(`ClusterIpIntegration ${name}: two shared VIPs share the key '${key}'.`);
      keys.add(`shared-${key}`);
      return new ClusterIpSharedVip(
        `${name}-shared-${key}`,
        { ...nodeNetworks, ...g, ...shared },
        { parent: this, ...after },
      );
    });
    this.routeList = this.routes ? this.routes.routeList : pulumi.output([]);
    this.vipAddresses = pulumi.all(this.virtualServices.map((v) => v.vipAddress));
    // Not the routes: registered outputs are stored in the state, and the routes are there once already.
    this.registerOutputs({ vipAddresses: this.vipAddresses });
  }
}

/**
 * The integration of a cluster in mode clusterip: its routes and virtual services. In another mode use
 * AviK8sIntegration (this name promises routes, so it refuses a mode that has none).
 */
export class ClusterIpIntegration extends AviK8sIntegration {
  declare readonly routes: ClusterIpRoutes;

  constructor(name: string, args: ClusterIpIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    const mode = integrationMode(name, args.kubernetes);
    if (mode !== "clusterip") {
      throw new Error(
        `ClusterIpIntegration ${name}: mode ${mode} has no static routes; use AviK8sIntegration (same arguments, same type: nothing is replaced), whose routes are then undefined.`,
      );
    }
    super(name, args, opts);
  }
}
