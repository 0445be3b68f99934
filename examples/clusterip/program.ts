// The seed scenario as a Pulumi program: the cluster's static routes (one per node pod CIDR) and a virtual service
// with a VIP for one Service. Everything that differs between the demo's emulators and a real controller and
// cluster is configuration: this file reads only the program's own settings; the connection comes from the
// `avi-k8s:*` stack config or the AVI_* environment variables, which the resources' providers look up themselves.
import * as pulumi from "@pulumi/pulumi";
import { AviK8sIntegration, type CniChoice, type Membership, type Mode, type VipArgs } from "../../sdk";

/** The program's settings, from stack config in the project's namespace (e.g. `pulumi config set cluster c1`). */
export interface ClusterIpSettings {
  /** The cluster's name on the controller (AKO's clusterName); routes and objects carry it as their owner. */
  cluster: string;
  namespace: string;
  service: string;
  /** A static VIP address, or an IPAM network to allocate one from (`vipNetwork`). */
  vip: VipArgs;
  vrf?: string;
  cloud?: string;
  seGroup?: string;
  cni?: CniChoice;
  /** Where node next hops must lie, for nodes with several NICs. */
  nodeNetworks?: string[];
  /** "sync": `avi-k8s sync` keeps the routes and pool servers current between runs (default "pulumi"). */
  membership?: Membership;
  /** How the Service Engines reach the pods (default clusterip): nodeport and nodeportlocal need no routes. */
  mode?: Mode;
  /** Mode nodeportlocal: let the resource set the Service's nodeportlocal.antrea.io/enabled annotation. */
  annotateService?: boolean;
}

export const DEFAULTS = {
  cluster: "demo",
  namespace: "default",
  service: "web",
  vip: "10.10.10.50",
} as const;

export function readSettings(config: pulumi.Config = new pulumi.Config()): ClusterIpSettings {
  const network = config.get("vipNetwork");
  const vip: VipArgs = network
    ? { network, ...(config.get("vipSubnet") ? { subnet: config.require("vipSubnet") } : {}) }
    : { address: config.get("vip") ?? DEFAULTS.vip };
  const nodeNetworks = config.getObject<string[]>("nodeNetworks");
  return {
    cluster: config.get("cluster") ?? DEFAULTS.cluster,
    namespace: config.get("namespace") ?? DEFAULTS.namespace,
    service: config.get("service") ?? DEFAULTS.service,
    vip,
    vrf: config.get("vrf"),
    cloud: config.get("cloud"),
    seGroup: config.get("seGroup"),
    cni: config.get("cni") as CniChoice | undefined,
    nodeNetworks,
    membership: config.get("membership") as Membership | undefined,
    mode: config.get("mode") as Mode | undefined,
    annotateService: config.getBoolean("annotateService"),
  };
}

export interface ClusterIpExports {
  vip: pulumi.Output<string>;
  routes: pulumi.Output<string[]>;
  servers: pulumi.Output<string[]>;
  cniSource: pulumi.Output<string>;
  conflicts: pulumi.Output<string[]>;
}

/** Declares the resources; the returned values become the stack outputs. */
export function clusterIpProgram(s: ClusterIpSettings = readSettings()): ClusterIpExports {
  // AviK8sIntegration is ClusterIpIntegration in mode clusterip (same type); in the node-port modes it has no routes.
  const lb = new AviK8sIntegration(s.cluster, {
    cluster: s.cluster,
    ...(s.mode ? { kubernetes: { mode: s.mode } } : {}),
    vrf: s.vrf,
    cloud: s.cloud,
    cni: s.cni,
    nodeNetworks: s.nodeNetworks,
    membership: s.membership,
    services: [
      {
        key: s.service,
        service: { namespace: s.namespace, name: s.service },
        vip: s.vip,
        seGroup: s.seGroup,
        ...(s.annotateService ? { annotateService: true } : {}),
      },
    ],
  });
  const vs = lb.virtualServices[0];
  if (!vs) throw new Error("AviK8sIntegration created no virtual service for the configured Service.");
  return {
    vip: vs.vipAddress,
    routes: lb.routeList.apply((rs) => (rs ?? []).map((r) => `${r.prefix} via ${r.nextHop}`)),
    servers: vs.poolList.apply((ps) =>
      (ps ?? []).flatMap((p) =>
        p.servers.map((x) => `${x.ip}:${x.port} on ${x.node ?? "?"}${x.enabled ? "" : " (drained)"}`),
      ),
    ),
    cniSource: lb.routes ? lb.routes.cniSource : pulumi.output(`none: mode ${lb.mode} keeps no routes`),
    conflicts: pulumi
      .all([lb.routes ? lb.routes.conflicts : pulumi.output([] as string[]), vs.conflicts])
      .apply(([a, b]) => [...(a ?? []), ...(b ?? [])]),
  };
}
