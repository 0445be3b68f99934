// A workload and its load balancing in one program, for real clusters: a Deployment and a ClusterIP Service made
// with @pulumi/kubernetes, fronted by the cluster's routes and a virtual service whose pool servers are the
// Deployment's pod IPs. The virtual service waits for the Deployment's rollout (Pulumi awaits it), so its first
// pool already holds the ready pods.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterIpIntegration, type VipArgs } from "../../sdk";

export interface WorkloadSettings {
  cluster: string;
  namespace: string;
  /** Names the Deployment, the Service and the `app` label. */
  app: string;
  image: string;
  replicas: number;
  /** The port the container listens on (unprivileged nginx: 8080). */
  containerPort: number;
  /** The Service port the virtual service exposes. */
  servicePort: number;
  vip: VipArgs;
  seGroup?: string;
}

export function readSettings(config: pulumi.Config = new pulumi.Config()): WorkloadSettings {
  const network = config.get("vipNetwork");
  return {
    cluster: config.get("cluster") ?? "demo",
    namespace: config.get("namespace") ?? "default",
    app: config.get("app") ?? "web",
    image: config.get("image") ?? "nginxinc/nginx-unprivileged:1.27-alpine",
    replicas: config.getNumber("replicas") ?? 4,
    containerPort: config.getNumber("containerPort") ?? 8080,
    servicePort: config.getNumber("servicePort") ?? 80,
    vip: network ? { network } : { address: config.get("vip") ?? "10.10.10.60" },
    seGroup: config.get("seGroup"),
  };
}

export interface WorkloadExports {
  vip: pulumi.Output<string>;
  routes: pulumi.Output<string[]>;
  servers: pulumi.Output<string[]>;
  service: pulumi.Output<string>;
}

export function withWorkloadProgram(s: WorkloadSettings = readSettings()): WorkloadExports {
  const labels = { app: s.app };
  const deployment = new k8s.apps.v1.Deployment(s.app, {
    metadata: { name: s.app, namespace: s.namespace, labels },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: s.app,
              image: s.image,
              ports: [{ name: "http", containerPort: s.containerPort }],
              readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  });
  // Fixed names (no auto-naming): the controller objects are named after the Service.
  const service = new k8s.core.v1.Service(s.app, {
    metadata: { name: s.app, namespace: s.namespace, labels },
    spec: {
      type: "ClusterIP",
      selector: labels,
      ports: [{ name: "http", port: s.servicePort, targetPort: "http", protocol: "TCP" }],
    },
  });
  const lb = new ClusterIpIntegration(
    `${s.cluster}-${s.app}`,
    {
      cluster: s.cluster,
      services: [{ key: s.app, service, vip: s.vip, ports: [s.servicePort], seGroup: s.seGroup }],
    },
    { dependsOn: [deployment, service] },
  );
  const vs = lb.virtualServices[0];
  if (!vs) throw new Error("ClusterIpIntegration created no virtual service for the workload's Service.");
  return {
    vip: vs.vipAddress,
    routes: lb.routeList.apply((rs) => (rs ?? []).map((r) => `${r.prefix} via ${r.nextHop}`)),
    servers: vs.poolList.apply((ps) =>
      (ps ?? []).flatMap((p) => p.servers.map((x) => `${x.ip}:${x.port} (${x.node ?? "?"})`)),
    ),
    service: pulumi.interpolate`${service.metadata.namespace}/${service.metadata.name}`,
  };
}
