// `npm run demo -- --mode nodeport|nodeportlocal`: the same seed cluster when the Service Engines cannot reach the
// pod networks. The program runs with the cluster's mode set (AviK8sIntegration then declares no routes): the pool
// holds node addresses with the Service's nodePort (NodePort) or with the port Antrea opened for each pod
// (NodePortLocal), the VRF gets no route of the cluster, and the topology picture shows servers on nodes.
import type { KubeEmulator } from "../../emulator/kube";
import { learnNames } from "./cluster";
import type { DemoEngine, Say } from "./engine";
import { type ClusterNames, countsLine, destroyReport, viewDifference } from "./format";
import type { RestClient } from "./rest";
import type { TopologyOptions } from "./topology";
import { clusterRoutes, type ControllerView, readControllerView } from "./view";

export interface ModeDemo {
  mode: "nodeport" | "nodeportlocal";
  cluster: string;
  kube: KubeEmulator;
  session: RestClient;
  engine: DemoEngine;
  names: ClusterNames;
  keep: boolean;
  say: Say;
  heading(n: number, title: string): void;
  printView(view: ControllerView): void;
  picture(base: string, view: ControllerView, o: Omit<TopologyOptions, "cluster">): string[];
}

const NODE_PORT = 30080;

/** What the Service looks like to kubectl: type, ports, policy and the NodePortLocal opt-in. */
function serviceLine(kube: KubeEmulator): string {
  const svc = kube.get("services", "web", "default");
  const ports = ((svc?.spec?.ports ?? []) as { port: number; nodePort?: number }[])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/TCP`)
    .join(",");
  const npl = svc?.metadata.annotations?.["nodeportlocal.antrea.io/enabled"];
  const hc = svc?.spec?.healthCheckNodePort ? `, healthCheckNodePort ${svc.spec.healthCheckNodePort}` : "";
  return `Service default/web: type ${svc?.spec?.type}, ports ${ports}, externalTrafficPolicy ${svc?.spec?.externalTrafficPolicy ?? "Cluster"}${hc}${npl ? `, nodeportlocal.antrea.io/enabled=${npl}` : ""}`;
}

function patchWeb(kube: KubeEmulator, spec: Record<string, unknown>): void {
  const svc = kube.get("services", "web", "default");
  if (!svc) throw new Error("The seed cluster has no Service default/web.");
  kube.apply({ ...svc, spec: { ...svc.spec, ...spec } });
}

/** Runs steps 3 on; returns the topology files written. */
export async function runModeDemo(d: ModeDemo): Promise<string[]> {
  const { say, kube, engine } = d;
  d.heading(3, `The cluster's mode: ${d.mode}`);
  await engine.setSetting("mode", d.mode);
  if (d.mode === "nodeport") {
    patchWeb(kube, {
      type: "LoadBalancer",
      ports: [{ name: "http", port: 80, targetPort: "http", nodePort: NODE_PORT }],
    });
    say(`  kubectl patch: web becomes type LoadBalancer with nodePort ${NODE_PORT}`);
  } else {
    await engine.setSetting("annotateService", "true");
    say("  the program sets annotateService: true, so the resource itself annotates web with");
    say("  nodeportlocal.antrea.io/enabled=true (and removes it on destroy); the emulated Antrea agent then");
    say("  publishes each pod's node port in its nodeportlocal.antrea.io annotation");
  }
  say(`  ${serviceLine(kube)}`);

  d.heading(4, "preview, then up");
  say("preview:");
  await engine.preview();
  if (d.mode === "nodeportlocal") {
    say("  (no server yet: Antrea maps the pods once up has set the annotation; check names the pods it waits for)");
  }
  say("up:");
  await engine.up();
  learnNames(kube, d.names);
  const first = await readControllerView(d.session);
  d.heading(5, "What the controller holds (read back over its REST API)");
  d.printView(first);
  if (clusterRoutes(first, d.cluster).length > 0) throw new Error(`mode ${d.mode} wrote static routes.`);
  say(`  => no static route for cluster ${d.cluster}: the Service Engines reach the node addresses directly`);
  if (d.mode === "nodeportlocal") {
    say(`  ${serviceLine(kube)}`);
    for (const pod of kube.list("pods", "default").filter((p) => p.metadata.labels?.app === "web")) {
      say(
        `  pod ${pod.metadata.name} on ${pod.spec?.nodeName}: ${pod.metadata.annotations?.["nodeportlocal.antrea.io"]}`,
      );
    }
  }
  const pictures = d.picture(`demo-topology-${d.mode}`, first, {
    caption: `Mode ${d.mode}: the pool's servers are node addresses ${d.mode === "nodeport" ? `with nodePort ${NODE_PORT}` : "with the port Antrea opened for each pod"}; no routes of cluster ${d.cluster}.`,
  });

  let last = first;
  if (d.mode === "nodeport") {
    d.heading(6, "externalTrafficPolicy: Local, and node1's pods go");
    patchWeb(kube, { externalTrafficPolicy: "Local" });
    kube.deletePod("default", "web-a");
    kube.deletePod("default", "web-b");
    await kube.settled();
    say(`  ${serviceLine(kube)}; pods web-a and web-b (node1) deleted`);
    say("preview (the difference):");
    await engine.preview();
    say("up:");
    await engine.up();
    last = await readControllerView(d.session);
    d.printView(last);
    say("changed on the controller:");
    for (const line of viewDifference(first, last, d.names)) say(`  ${line}`);
    const monitors = await d.session.list("healthmonitor", { "name.contains": `${d.cluster}--` });
    for (const m of monitors) {
      const http = m.http_monitor as { http_request?: string } | undefined;
      say(`  health monitor ${m.name}: ${m.type} ${http?.http_request ?? ""} on port ${m.monitor_port}`);
    }
    pictures.push(
      ...d.picture("demo-topology-nodeport-local", last, {
        before: first,
        caption:
          "externalTrafficPolicy Local: node1 has no pod of web left, so it leaves the pool; kube-proxy's /healthz on the healthCheckNodePort is the monitor.",
      }),
    );
  }

  if (d.keep) return pictures;
  d.heading(d.mode === "nodeport" ? 7 : 6, "destroy");
  say(`  before: ${countsLine(last, d.cluster)}`);
  await engine.destroy();
  const after = await readControllerView(d.session);
  say(`  after:  ${countsLine(after, d.cluster)}`);
  for (const line of destroyReport(last, after, d.cluster)) say(`  ${line}`);
  if (d.mode === "nodeportlocal") {
    const left = kube.get("services", "web", "default")?.metadata.annotations?.["nodeportlocal.antrea.io/enabled"];
    say(`  the annotation the resource set on web: ${left === undefined ? "removed" : `still ${left}`}`);
    if (left !== undefined) throw new Error("destroy left the nodeportlocal.antrea.io/enabled annotation it set.");
  }
  return pictures;
}
