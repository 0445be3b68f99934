// Acceptance of issue 14 (NodePort and NodePortLocal modes) through @pulumi/pulumi's own dynamic-provider host,
// against both emulators with the seed topology: node1 10.100.1.101 (pods web-a, web-b), node2 10.100.1.102
// (web-c, web-d). Each step is what a user does: change the Service with a merge patch (as kubectl patch does),
// preview (check + diff, no controller write), up, and read the controller.
import * as assert from "node:assert/strict";
import { call } from "../emulator/kube/helpers";
import { controllerRoutes, controllerServers, ROUTES_TYPE, useLabHost, VS_TYPE } from "./support";

const SVC = "/api/v1/namespaces/default/services";
const MERGE = "application/merge-patch+json";

type Props = Record<string, unknown>;
type Json = Record<string, unknown>;

interface Stack {
  id?: string;
  inputs?: Props;
  outputs?: Props;
}

describe("NodePort and NodePortLocal modes through the real dynamic-provider host (issue 14)", function () {
  this.timeout(120_000);
  const t = useLabHost({ each: true });

  const patchWeb = async (body: Json) => {
    const r = await call(t.lab.kube, "PATCH", `${SVC}/web`, { body, contentType: MERGE });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const obj = (type: string, name: string) => t.lab.avi.objects(type).find((o) => o.name === name) as Json | undefined;

  async function check(type: string, name: string, st: Stack, news: Props) {
    const code = type === ROUTES_TYPE ? t.routesCode : t.vsCode;
    return t.host.check({ type, name, news: { __provider: code, ...news }, ...(st.inputs ? { olds: st.inputs } : {}) });
  }

  async function preview(name: string, st: Stack, news: Props) {
    const writes = t.lab.avi.writes().length;
    const checked = await check(VS_TYPE, name, st, news);
    assert.deepEqual(checked.failures, [], `${name}: check failures`);
    const diff = st.id
      ? await t.host.diff({
          type: VS_TYPE,
          name,
          id: st.id,
          olds: st.outputs!,
          news: checked.inputs,
          oldInputs: st.inputs!,
        })
      : undefined;
    assert.equal(t.lab.avi.writes().length, writes, "preview writes nothing");
    return { inputs: checked.inputs, diff };
  }

  async function up(name: string, st: Stack, news: Props): Promise<void> {
    const p = await preview(name, st, news);
    if (!st.id) {
      const created = await t.host.create({ type: VS_TYPE, name, properties: p.inputs });
      Object.assign(st, { id: created.id, inputs: p.inputs, outputs: created.properties });
    } else if (p.diff?.changes !== "none") {
      const updated = await t.host.update({
        type: VS_TYPE,
        name,
        id: st.id,
        olds: st.outputs!,
        news: p.inputs,
        oldInputs: st.inputs!,
      });
      Object.assign(st, { inputs: p.inputs, outputs: updated.properties });
    }
  }

  const pool = "c14--default-web-TCP-80";
  const base = { cluster: "c14", service: "web", vip: { address: "10.10.14.1" } };

  it("nodeport: web as LoadBalancer with nodePort 30080 gives 10.100.1.101:30080 and 10.100.1.102:30080, no routes", async () => {
    const svc = await patchWeb({
      spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] },
    });
    assert.equal(svc.spec.ports[0].nodePort, 30080, "the requested node port is honoured");
    const st: Stack = {};
    const news = { ...base, mode: "nodeport" };
    const shown = await preview("np", st, news);
    assert.deepEqual(shown.inputs.pools, {
      [pool]: {
        servicePort: 80,
        protocol: "TCP",
        servers: { "10.100.1.101:30080": "node1", "10.100.1.102:30080": "node2" },
      },
    });
    assert.equal(shown.inputs.mode, "nodeport", "preview shows the mode");
    await up("np", st, news);
    assert.deepEqual(controllerServers(t.lab, pool), ["10.100.1.101:30080", "10.100.1.102:30080"]);
    assert.deepEqual(
      controllerRoutes(t.lab).filter((r) => r.includes("clustername=c14")),
      [],
      "no static route for the cluster",
    );
    // The routes resource is not needed in this mode, and using it is a clear error.
    const routes = await check(ROUTES_TYPE, "r", {}, { cluster: "c14", mode: "nodeport" });
    assert.equal(routes.failures.length, 1);
    assert.equal(routes.failures[0]?.property, "mode");
    assert.match(routes.failures[0]!.reason, /mode nodeport .* does not use.*Remove this resource/);
  });

  it("nodeport, externalTrafficPolicy Local: node1 without pods leaves the pool; the monitor asks the healthCheckNodePort", async () => {
    const svc = await patchWeb({
      spec: {
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
        ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }],
      },
    });
    const hc = svc.spec.healthCheckNodePort as number;
    assert.ok(hc >= 30000 && hc <= 32767, `healthCheckNodePort ${hc} allocated`);
    const st: Stack = {};
    const news = { ...base, mode: "nodeport" };
    await up("local", st, news);
    assert.deepEqual(controllerServers(t.lab, pool), ["10.100.1.101:30080", "10.100.1.102:30080"]);
    t.lab.kube.deletePod("default", "web-a");
    t.lab.kube.deletePod("default", "web-b");
    await t.lab.kube.settled();
    const shown = await preview("local", st, news);
    const pools = shown.inputs.pools as Record<string, { servers: Record<string, string> }>;
    assert.deepEqual(pools[pool]?.servers, { "10.100.1.102:30080": "node2" }, "node1 is out of the pool");
    assert.equal(shown.diff?.changes, "some");
    const l4 = shown.inputs.l4 as { pools: Record<string, Json>; healthMonitors: Record<string, Json> };
    const monitor = l4.pools[pool]?.healthMonitor as string;
    assert.deepEqual(l4.healthMonitors[monitor], {
      type: "HTTP",
      interval: 10,
      timeout: 4,
      failedChecks: 2,
      successfulChecks: 2,
      port: hc,
      request: "GET /healthz HTTP/1.0",
      responseCodes: ["2XX"],
      from: "healthCheckNodePort",
    });
    await up("local", st, news);
    assert.deepEqual(controllerServers(t.lab, pool), ["10.100.1.102:30080"]);
    const hm = obj("healthmonitor", monitor)!;
    assert.equal(hm.type, "HEALTH_MONITOR_HTTP");
    assert.equal(hm.monitor_port, hc, "the monitor targets the healthCheckNodePort");
    assert.equal((hm.http_monitor as Json).http_request, "GET /healthz HTTP/1.0");
    assert.deepEqual(obj("pool", pool)!.health_monitor_refs, [`/api/healthmonitor/${hm.uuid}`]);
  });

  it("nodeport refuses a Service without node ports, naming it and the fix", async () => {
    const checked = await check(VS_TYPE, "cip", {}, { ...base, mode: "nodeport" });
    assert.equal(checked.failures.length, 1);
    assert.equal(checked.failures[0]?.property, "service");
    assert.match(checked.failures[0]!.reason, /Service default\/web is of type ClusterIP, which has no node ports/);
    assert.match(checked.failures[0]!.reason, /type LoadBalancer or NodePort/);
    await patchWeb({ spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false } });
    const none = await check(VS_TYPE, "cip", {}, { ...base, mode: "nodeport" });
    assert.match(none.failures[0]!.reason, /allocateLoadBalancerNodePorts: false/);
    // `kubectl describe svc web` tells it too: a Warning Event per refusal (the recorder folds repeats).
    const refused = t.lab.kube
      .list("events", "default")
      .filter((e) => e.reason === "Refused" && (e.involvedObject as { name?: string } | undefined)?.name === "web");
    assert.ok(refused.length >= 1, "a Refused Event on web");
    assert.equal(refused[0]?.type, "Warning");
    assert.match(String(refused[0]?.message), /no node ports|allocateLoadBalancerNodePorts: false/);
  });

  it("nodeportlocal with the annotation: 4 servers on the node IPs with 4 distinct NPL ports, no routes", async () => {
    await patchWeb({ metadata: { annotations: { "nodeportlocal.antrea.io/enabled": "true" } } });
    await t.lab.kube.waitFor(
      "pods",
      "web-d",
      "default",
      (p) => typeof p?.metadata.annotations?.["nodeportlocal.antrea.io"] === "string",
    );
    const st: Stack = {};
    const news = { ...base, mode: "nodeportlocal" };
    await up("npl", st, news);
    const servers = controllerServers(t.lab, pool);
    assert.equal(servers.length, 4, servers.join());
    const ports = servers.map((s) => Number(s.split(":")[1]));
    // Antrea allocates per node, so the same number may serve on both nodes: 4 distinct node:port pairs, and the
    // two pods of one node on two distinct ports.
    assert.equal(new Set(servers).size, 4, "4 distinct NPL ports");
    assert.notEqual(ports[0], ports[1], "node1's pods have distinct ports");
    assert.notEqual(ports[2], ports[3], "node2's pods have distinct ports");
    assert.ok(
      ports.every((p) => p >= 61000 && p <= 62000),
      ports.join(),
    );
    assert.deepEqual(
      servers.map((s) => s.split(":")[0]),
      ["10.100.1.101", "10.100.1.101", "10.100.1.102", "10.100.1.102"],
    );
    const inputs = (st.inputs!.pools as Record<string, { servers: Record<string, string> }>)[pool]!.servers;
    assert.deepEqual(Object.values(inputs).sort(), ["node1/web-a", "node1/web-b", "node2/web-c", "node2/web-d"]);
    assert.deepEqual(
      controllerRoutes(t.lab).filter((r) => r.includes("clustername=c14")),
      [],
    );
  });

  it("nodeportlocal never patches a Service silently; annotateService sets the annotation and destroy removes it", async () => {
    const refused = await check(VS_TYPE, "npl", {}, { ...base, mode: "nodeportlocal" });
    assert.equal(refused.failures.length, 1);
    assert.match(refused.failures[0]!.reason, /lacks the annotation nodeportlocal\.antrea\.io\/enabled/);
    assert.match(refused.failures[0]!.reason, /annotateService: true/);
    const annotation = () =>
      t.lab.kube.get("services", "web", "default")?.metadata.annotations?.["nodeportlocal.antrea.io/enabled"];
    assert.equal(annotation(), undefined, "check wrote nothing");
    const st: Stack = {};
    const news = { ...base, mode: "nodeportlocal", annotateService: true };
    await up("npl", st, news);
    assert.equal(annotation(), "true");
    assert.deepEqual(st.outputs!.annotated, ["web"]);
    assert.equal(controllerServers(t.lab, pool).length, 4, "create waited for Antrea to map the pods");
    const again = await preview("npl", st, news);
    assert.equal(again.diff?.changes, "none", "the next preview shows no change");
    await t.host.delete({ type: VS_TYPE, name: "npl", id: st.id!, properties: st.outputs! });
    assert.equal(annotation(), undefined, "destroy removed the annotation it set");
    assert.equal(obj("pool", pool), undefined);
  });

  it("membership sync in nodeport records the mode and node selector on the pool, for avi-k8s sync", async () => {
    await patchWeb({
      spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] },
    });
    const bad = await check(VS_TYPE, "bad", {}, { ...base, mode: "nodeport", nodeSelector: "zone in a" });
    assert.equal(bad.failures[0]?.property, "nodeSelector");
    assert.match(bad.failures[0]!.reason, /nodeSelector 'zone in a' is not a label selector: .*parentheses/);
    const st: Stack = {};
    const news = { ...base, mode: "nodeport", nodeSelector: "!edge-only", membership: "sync" };
    await up("npsync", st, news);
    assert.deepEqual(controllerServers(t.lab, pool), ["10.100.1.101:30080", "10.100.1.102:30080"]);
    const markers = obj("pool", pool)!.markers as { key: string; values: string[] }[];
    assert.deepEqual(markers.slice(-3), [
      { key: "membership", values: ["sync"] },
      { key: "mode", values: ["nodeport"] },
      { key: "nodeselector", values: ["!edge-only"] },
    ]);
    const again = await preview("npsync", st, news);
    assert.equal(again.diff?.changes, "none");
  });

  it("switching a cluster from clusterip to nodeport is a readable plan: the pool's servers change, the mode shows", async () => {
    const st: Stack = {};
    await up("switch", st, base);
    assert.deepEqual(controllerServers(t.lab, pool), [
      "192.168.101.13:8080",
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);
    await patchWeb({
      spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] },
    });
    const shown = await preview("switch", st, { ...base, mode: "nodeport" });
    assert.equal(shown.diff?.changes, "some");
    assert.deepEqual([st.inputs!.mode, shown.inputs.mode], [undefined, "nodeport"], "preview shows the mode change");
    assert.deepEqual(shown.diff?.replaces, [], "no replacement: the pool keeps its name and uuid");
    const before = (st.inputs!.pools as Record<string, { servers: Record<string, string> }>)[pool]!.servers;
    const after = (shown.inputs.pools as Record<string, { servers: Record<string, string> }>)[pool]!.servers;
    assert.deepEqual(Object.keys(before).sort(), [
      "192.168.101.13:8080",
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);
    assert.deepEqual(Object.keys(after).sort(), ["10.100.1.101:30080", "10.100.1.102:30080"]);
    const uuid = obj("pool", pool)!.uuid;
    await up("switch", st, { ...base, mode: "nodeport" });
    assert.equal(obj("pool", pool)!.uuid, uuid);
    assert.deepEqual(controllerServers(t.lab, pool), ["10.100.1.101:30080", "10.100.1.102:30080"]);
  });
});
