// REST semantics of the Kubernetes emulator as clients meet them: auth, discovery, Status errors, optimistic
// concurrency, patches, resourceVersion, consistent paging, watch and the fault knobs.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call, openWatch } from "./helpers";

const podBody = (name: string, labels: Record<string, string> = { app: "web" }) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels },
  spec: {
    nodeName: "node1",
    containers: [{ name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 8080 }] }],
  },
});

describe("Kubernetes emulator REST semantics", function () {
  // The first emulator in a process generates its CA, which takes seconds on a loaded machine.
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator({ bookmarkIntervalMs: 50 });
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("answers 401 with a Status without the bearer token, but serves /version", async () => {
    const r = await call(kube, "GET", "/api/v1/pods", { token: null });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    assert.equal((await call(kube, "GET", "/version", { token: null })).body.gitVersion, "v1.32.4");
  });

  it("serves discovery for the core group and the CNI groups", async () => {
    const groups = (await call(kube, "GET", "/apis")).body.groups.map((g: { name: string }) => g.name);
    assert.deepEqual(groups, [
      "events.k8s.io",
      "coordination.k8s.io",
      "discovery.k8s.io",
      "crd.projectcalico.org",
      "cilium.io",
    ]);
    const cilium = (await call(kube, "GET", "/apis/cilium.io/v2")).body;
    const cn = cilium.resources.find((r: { name: string }) => r.name === "ciliumnodes");
    assert.deepEqual([cn.kind, cn.namespaced, cn.shortNames], ["CiliumNode", false, ["cn", "ciliumn"]]);
    const core = (await call(kube, "GET", "/api/v1")).body.resources.map((r: { name: string }) => r.name);
    assert.ok(core.includes("pods/status") && core.includes("nodes") && core.includes("endpoints"));
    const openapi = (await call(kube, "GET", "/openapi/v3")).body.paths;
    assert.ok(
      openapi["apis/discovery.k8s.io/v1"].serverRelativeURL.startsWith("/openapi/v3/apis/discovery.k8s.io/v1?hash="),
    );
  });

  it("reports NotFound, AlreadyExists, Conflict and Invalid like the real server", async () => {
    const nf = await call(kube, "GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/x");
    assert.equal(nf.status, 404);
    assert.equal(nf.body.message, 'endpointslices.discovery.k8s.io "x" not found');
    assert.deepEqual(nf.body.details, { name: "x", group: "discovery.k8s.io", kind: "endpointslices" });

    const created = await call(kube, "POST", "/api/v1/namespaces/default/pods", { body: podBody("web-e") });
    assert.equal(created.status, 201);
    assert.equal(created.body.status.phase, "Pending");
    const dup = await call(kube, "POST", "/api/v1/namespaces/default/pods", { body: podBody("web-e") });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, "AlreadyExists");
    assert.equal(dup.body.message, 'pods "web-e" already exists');

    const stale = { ...created.body, metadata: { ...created.body.metadata, resourceVersion: "1" } };
    const conflict = await call(kube, "PUT", "/api/v1/namespaces/default/pods/web-e", { body: stale });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, "Conflict");
    assert.match(conflict.body.message, /the object has been modified; please apply your changes/);

    const bad = await call(kube, "POST", "/api/v1/namespaces/default/pods", { body: podBody("Web_E") });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, "Invalid");
    assert.match(
      bad.body.message,
      /^Pod "Web_E" is invalid: metadata\.name: Invalid value: "Web_E": a lowercase RFC 1123 subdomain/,
    );
    assert.equal(bad.body.details.causes[0].field, "metadata.name");

    const noNs = await call(kube, "POST", "/api/v1/namespaces/nowhere/pods", { body: podBody("p") });
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.message, 'namespaces "nowhere" not found');
  });

  it("bumps resourceVersion on a change and keeps it on a no-op update", async () => {
    const pod = (await call(kube, "GET", "/api/v1/namespaces/default/pods/web-a")).body;
    const same = await call(kube, "PUT", "/api/v1/namespaces/default/pods/web-a", { body: pod });
    assert.equal(same.body.metadata.resourceVersion, pod.metadata.resourceVersion);
    const labelled = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-a", {
      body: { metadata: { labels: { tier: "front" } } },
      contentType: "application/merge-patch+json",
    });
    assert.ok(Number(labelled.body.metadata.resourceVersion) > Number(pod.metadata.resourceVersion));
    assert.deepEqual(labelled.body.metadata.labels, { ...pod.metadata.labels, tier: "front" });
    const list = (await call(kube, "GET", "/api/v1/pods")).body;
    assert.equal(list.metadata.resourceVersion, labelled.body.metadata.resourceVersion);
    assert.equal(list.items[0].kind, undefined, "built-in list items carry no kind");
  });

  it("applies JSON patch and strategic merge patch, and changes status only through /status", async () => {
    const jp = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-b", {
      body: [{ op: "add", path: "/metadata/annotations", value: { note: "x" } }],
      contentType: "application/json-patch+json",
    });
    assert.deepEqual(jp.body.metadata.annotations, { note: "x" });
    const smp = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-b", {
      body: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } },
      contentType: "application/strategic-merge-patch+json",
    });
    assert.equal(smp.body.spec.containers.length, 1);
    assert.equal(smp.body.spec.containers[0].image, "nginx:1.28");
    assert.equal(smp.body.spec.containers[0].ports[0].containerPort, 8080, "merged by name, ports kept");
    const ignored = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-b", {
      body: { status: { podIP: "192.168.101.99" } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(ignored.body.status.podIP, "192.168.101.22");
    const applied = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-b/status", {
      body: { status: { podIP: "192.168.101.99", podIPs: [{ ip: "192.168.101.99" }] } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(applied.body.status.podIP, "192.168.101.99");
    const bad = await call(kube, "PATCH", "/api/v1/namespaces/default/pods/web-b", {
      body: [{ op: "replace", path: "/metadata/nothere/x", value: 1 }],
      contentType: "application/json-patch+json",
    });
    assert.equal(bad.status, 422);
  });

  it("pages over a consistent snapshot, and a stale continue token gets 410 Expired", async () => {
    const first = (await call(kube, "GET", "/api/v1/namespaces/default/pods?limit=2")).body;
    assert.deepEqual(
      first.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ["web-a", "web-b"],
    );
    assert.equal(first.metadata.remainingItemCount, 2);
    kube.addPod({ name: "web-0", node: "node1", labels: { app: "web" } });
    kube.deletePod("default", "web-c");
    const next = (
      await call(
        kube,
        "GET",
        `/api/v1/namespaces/default/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`,
      )
    ).body;
    assert.deepEqual(
      next.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ["web-c", "web-d"],
      "the second page comes from the first page's snapshot",
    );
    assert.equal(next.metadata.continue, undefined);
    assert.equal(next.metadata.resourceVersion, first.metadata.resourceVersion);
    const fresh = (await call(kube, "GET", "/api/v1/namespaces/default/pods")).body;
    assert.deepEqual(
      fresh.items.map((p: { metadata: { name: string } }) => p.metadata.name),
      ["web-0", "web-a", "web-b", "web-d"],
    );

    kube.setFaults({ expireContinue: 1 });
    const expired = await call(
      kube,
      "GET",
      `/api/v1/namespaces/default/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`,
    );
    assert.equal(expired.status, 410);
    assert.equal(expired.body.reason, "Expired");
    assert.match(expired.body.message, /^The provided continue parameter is too old/);
  });

  it("rejects bad selectors with 400 and the apimachinery texts", async () => {
    const field = await call(kube, "GET", "/api/v1/nodes?fieldSelector=spec.podCIDR%3Dx");
    assert.equal(field.status, 400);
    assert.equal(field.body.message, "field label not supported: spec.podCIDR");
    const label = await call(kube, "GET", "/api/v1/pods?labelSelector=app%20in%20web");
    assert.equal(label.status, 400);
    assert.match(label.body.message, /unable to parse requirement: found 'web', expected: '\('/);
    const ok = await call(kube, "GET", "/api/v1/nodes?fieldSelector=metadata.name%3Dnode2");
    assert.deepEqual(
      ok.body.items.map((n: { metadata: { name: string } }) => n.metadata.name),
      ["node2"],
    );
  });

  it("watches from a resourceVersion: changes, selector exits as DELETED, bookmarks, and 410 for a too old one", async () => {
    const list = (await call(kube, "GET", "/api/v1/namespaces/default/pods")).body;
    const rv = list.metadata.resourceVersion;
    const w = openWatch(
      kube,
      `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&labelSelector=app%3Dweb&allowWatchBookmarks=true`,
    );
    try {
      kube.setPodReady("default", "web-a", false);
      await kube.apply({
        ...(await call(kube, "GET", "/api/v1/namespaces/default/pods/web-b")).body,
        metadata: {
          ...(await call(kube, "GET", "/api/v1/namespaces/default/pods/web-b")).body.metadata,
          labels: { app: "other" },
        },
      });
      await w.until((e) => e.type === "DELETED");
      await w.until((e) => e.type === "BOOKMARK");
      const changes = w.events.filter((e) => e.type !== "BOOKMARK").map((e) => [e.type, e.object.metadata.name]);
      assert.deepEqual(changes, [
        ["MODIFIED", "web-a"],
        ["DELETED", "web-b"],
      ]);
      assert.ok(w.events.find((e) => e.type === "BOOKMARK").object.metadata.resourceVersion);
    } finally {
      w.stop();
    }
    const old = openWatch(kube, "/api/v1/pods?watch=true&resourceVersion=5");
    await old.done;
    assert.equal(old.events[0].type, "ERROR");
    assert.equal(old.events[0].object.code, 410);
    assert.match(old.events[0].object.message, /^too old resource version: 5/);
  });

  it("ends a watch after timeoutSeconds and when the emulator stops", async () => {
    const timed = openWatch(kube, "/api/v1/nodes?watch=true&timeoutSeconds=1");
    await timed.done;
    assert.deepEqual(
      timed.events.map((e) => [e.type, e.object.metadata.name]),
      [
        ["ADDED", "node1"],
        ["ADDED", "node2"],
      ],
    );
    const open = openWatch(kube, "/api/v1/pods?watch=true");
    await open.until((e) => e.type === "ADDED");
    await kube.stop();
    await open.done;
  });

  it("injects 403, 429 with Retry-After, 500 and 401 for as many requests as asked, then recovers", async () => {
    kube.setFaults({ forbidden: 1 });
    const f = await call(kube, "GET", "/api/v1/namespaces/default/pods");
    assert.equal(f.status, 403);
    assert.equal(
      f.body.message,
      'pods is forbidden: User "system:serviceaccount:default:avi-k8s" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    kube.setFaults({ tooManyRequests: 2, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const t = await call(kube, "GET", "/api/v1/nodes");
      assert.equal(t.status, 429);
      assert.equal(t.headers["retry-after"], "3");
      assert.equal(t.body.details.retryAfterSeconds, 3);
    }
    assert.equal((await call(kube, "GET", "/api/v1/nodes")).status, 200);
    kube.setFaults({ serverError: 1, pathPattern: /endpointslices/ });
    assert.equal((await call(kube, "GET", "/api/v1/nodes")).status, 200, "other paths are spared");
    const e = await call(kube, "GET", "/apis/discovery.k8s.io/v1/endpointslices");
    assert.equal(e.status, 500);
    assert.equal(e.body.reason, "InternalError");
    kube.clearFaults();
    kube.setFaults({ unauthorized: Number.POSITIVE_INFINITY, latencyMs: 5 });
    assert.equal((await call(kube, "GET", "/api/v1/nodes")).status, 401);
    assert.equal((await call(kube, "GET", "/api/v1/nodes")).status, 401);
    kube.clearFaults();
    assert.equal((await call(kube, "GET", "/api/v1/nodes")).status, 200);
    const logged = kube.requestLog.filter((x) => x.path === "/api/v1/nodes").map((x) => x.status);
    assert.deepEqual(logged, [429, 429, 200, 200, 401, 401, 200]);
    assert.ok(kube.requestLog.every((x) => x.bytes > 0));
  });
});

describe("Kubernetes emulator deletion with finalizers", function () {
  // The first emulator in a process generates its CA, which takes seconds on a loaded machine.
  this.timeout(60_000);
  let kube: KubeEmulator;
  before(async () => {
    kube = await startKubeEmulator();
  });
  after(async () => {
    await kube.stop();
  });

  it("keeps an object with a finalizer marked for deletion until the finalizer is removed", async () => {
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "held", finalizers: ["example.com/hold"] },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    };
    assert.equal((await call(kube, "POST", "/api/v1/namespaces/default/services", { body: svc })).status, 201);
    const del = await call(kube, "DELETE", "/api/v1/namespaces/default/services/held");
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp);
    const again = await call(kube, "DELETE", "/api/v1/namespaces/default/services/held");
    assert.ok(again.body.metadata.deletionTimestamp);
    assert.equal((await call(kube, "GET", "/api/v1/namespaces/default/services/held")).status, 200);
    await call(kube, "PATCH", "/api/v1/namespaces/default/services/held", {
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    });
    assert.equal((await call(kube, "GET", "/api/v1/namespaces/default/services/held")).status, 404);
    const slices = kube
      .list("endpointslices", "default")
      .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "held");
    assert.deepEqual(slices, [], "the service's slices go with it");
  });
});
