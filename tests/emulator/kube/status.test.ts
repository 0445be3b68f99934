// The status subresource of Services and Pods as the real registries split it: a write to the object keeps the
// stored status, a write to /status keeps the stored spec (metadata still applies), and a Service's load
// balancer status is defaulted (ipMode VIP) and validated like the real server does.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call } from "./helpers";

const SVC = "/api/v1/namespaces/default/services";
const MERGE = "application/merge-patch+json";
const lbService = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web-lb" },
  spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

describe("Kubernetes emulator status subresources (services, pods)", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator();
    assert.equal((await call(kube, "POST", SVC, { body: lbService })).status, 201);
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("writes status.loadBalancer only through /status, defaulting ipMode to VIP", async () => {
    const ignored = await call(kube, "PATCH", `${SVC}/web-lb`, {
      body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10.10" }] } } },
      contentType: MERGE,
    });
    assert.equal(ignored.status, 200);
    assert.deepEqual(ignored.body.status, { loadBalancer: {} });
    const put = (await call(kube, "GET", `${SVC}/web-lb`)).body;
    put.status = { loadBalancer: { ingress: [{ ip: "10.10.10.11" }] } };
    assert.deepEqual((await call(kube, "PUT", `${SVC}/web-lb`, { body: put })).body.status, { loadBalancer: {} });

    const written = await call(kube, "PATCH", `${SVC}/web-lb/status`, {
      body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10.10" }] } } },
      contentType: MERGE,
    });
    assert.equal(written.status, 200);
    assert.deepEqual(written.body.status.loadBalancer.ingress, [{ ip: "10.10.10.10", ipMode: "VIP" }]);
    const read = (await call(kube, "GET", `${SVC}/web-lb/status`)).body;
    assert.deepEqual(read.status.loadBalancer.ingress, [{ ip: "10.10.10.10", ipMode: "VIP" }]);
    const cleared = await call(kube, "PATCH", `${SVC}/web-lb/status`, {
      body: { status: { loadBalancer: { ingress: null } } },
      contentType: MERGE,
    });
    assert.deepEqual(cleared.body.status, { loadBalancer: {} });
  });

  it("keeps the spec on a /status write but applies its metadata, as the status strategies do", async () => {
    const cur = (await call(kube, "GET", `${SVC}/web-lb`)).body;
    const body = {
      ...cur,
      metadata: { ...cur.metadata, labels: { written: "through-status" } },
      spec: { ...cur.spec, selector: { app: "other" } },
      status: { loadBalancer: { ingress: [{ ip: "10.10.10.12", ipMode: "Proxy" }] } },
    };
    const out = (await call(kube, "PUT", `${SVC}/web-lb/status`, { body })).body;
    assert.deepEqual(out.spec.selector, { app: "web" });
    assert.deepEqual(out.metadata.labels, { written: "through-status" });
    assert.deepEqual(out.status.loadBalancer.ingress, [{ ip: "10.10.10.12", ipMode: "Proxy" }]);
    const before = (await call(kube, "GET", "/api/v1/namespaces/default/pods/web-a")).body;
    const pod = (
      await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-a/status", {
        body: {
          spec: { nodeName: "node2" },
          metadata: { ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "1" }] },
          status: { phase: "Running" },
        },
        contentType: MERGE,
      })
    ).body;
    assert.equal(pod.spec.nodeName, "node1", "pods/status keeps the spec");
    assert.deepEqual(pod.metadata.ownerReferences, before.metadata.ownerReferences, "and the owner references");
    assert.equal(before.metadata.ownerReferences[0].kind, "ReplicaSet");
  });

  it("refuses load balancer status the real validation refuses", async () => {
    const badIp = await call(kube, "PATCH", `${SVC}/web-lb/status`, {
      body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10" }] } } },
      contentType: MERGE,
    });
    assert.equal(badIp.status, 422);
    assert.equal(
      badIp.body.message,
      'Service "web-lb" is invalid: status.loadBalancer.ingress[0].ip: Invalid value: "10.10.10": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
    const mode = await call(kube, "PATCH", `${SVC}/web-lb/status`, {
      body: { status: { loadBalancer: { ingress: [{ hostname: "lb.example.com", ipMode: "VIP" }] } } },
      contentType: MERGE,
    });
    assert.equal(
      mode.body.message,
      'Service "web-lb" is invalid: status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set',
    );
    const clusterIp = await call(kube, "PATCH", `${SVC}/web/status`, {
      body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10.10" }] } } },
      contentType: MERGE,
    });
    assert.equal(clusterIp.status, 422);
    assert.equal(
      clusterIp.body.message,
      "Service \"web\" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    );
  });

  it("clears the load balancer status when the service stops being a LoadBalancer", async () => {
    await call(kube, "PATCH", `${SVC}/web-lb/status`, {
      body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10.10" }] } } },
      contentType: MERGE,
    });
    const out = (
      await call(kube, "PATCH", `${SVC}/web-lb`, { body: { spec: { type: "ClusterIP" } }, contentType: MERGE })
    ).body;
    assert.deepEqual(out.status, { loadBalancer: {} });
  });
  it("refuses a write naming another object's uid, as ValidateObjectMetaUpdate does (a replaced pod)", async () => {
    kube.addPod({ name: "u-1", node: "node1", labels: { app: "u" } });
    const path = "/api/v1/namespaces/default/pods/u-1/status";
    const patch = (uid: string) =>
      call(kube, "PATCH", path, {
        body: { metadata: { uid }, status: { conditions: [{ type: "example.com/gate", status: "True" }] } },
        contentType: "application/strategic-merge-patch+json",
      });
    const stale = await patch("00000000-0000-4000-8000-000000000000");
    assert.equal(stale.status, 422);
    assert.equal(
      stale.body.message,
      'Pod "u-1" is invalid: metadata.uid: Invalid value: "00000000-0000-4000-8000-000000000000": field is immutable',
    );
    const uid = kube.get("pods", "u-1", "default")?.metadata.uid as string;
    const ok = await patch(uid);
    assert.equal(ok.status, 200);
    // Strategic merge: conditions merge by type, the kubelet's are kept.
    const types = (ok.body.status.conditions as { type: string }[]).map((c) => c.type);
    assert.ok(types.includes("example.com/gate") && types.includes("ContainersReady"), types.join());
  });
});
