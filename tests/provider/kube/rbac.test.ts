// The sync's declared Kubernetes permissions (provider/kube/rbac.ts): least privilege by construction, the RBAC
// authorizer's rules in permits(), and proof against the emulator that every request the placement reader makes,
// for every CNI fixture, is granted by the list (the in-cluster sync reads through the same code).
import * as assert from "node:assert/strict";
import { FIXTURES, fixturePath, type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { readPlacement } from "../../../provider/kube";
import {
  clusterRules,
  leaseNamespaceRules,
  permits,
  requestOf,
  ruleAllows,
  SYNC_PERMISSIONS,
} from "../../../provider/kube/rbac";

const LEASE = { namespace: "avi-k8s", name: "avi-k8s-sync-demo" };

describe("the sync's declared Kubernetes permissions", () => {
  it("name no wildcard, no Secret or ConfigMap access, pods only listed and watched, no delete or privilege verbs", () => {
    for (const p of SYNC_PERMISSIONS) {
      assert.ok(![p.apiGroup, p.resource, ...p.verbs].some((x) => x.includes("*")), JSON.stringify(p));
      assert.ok(!["secrets", "configmaps", "serviceaccounts"].includes(p.resource), p.resource);
      // Mode nodeportlocal reads Antrea's annotation on pods: list and watch only (no get, exec or logs).
      if (p.resource === "pods") assert.deepEqual(p.verbs, ["list", "watch"]);
      for (const v of p.verbs) assert.ok(!["delete", "deletecollection"].includes(v), `${p.resource}: ${v}`);
      assert.ok(p.why.length > 10, `${p.resource} says why it is needed`);
    }
    // Writes only where the sync's job needs them: its own Lease (in its own namespace), and, for the status
    // write-back, readiness gate and events, status subresources and Events; never an object's spec.
    const writable = new Set(["lease-namespace coordination.k8s.io/leases", "cluster /services/status"]);
    for (const extra of ["cluster /pods/status", "cluster events.k8s.io/events", "cluster /events"])
      writable.add(extra);
    for (const p of SYNC_PERMISSIONS) {
      if (p.verbs.every((v) => ["get", "list", "watch"].includes(v))) continue;
      assert.ok(writable.has(`${p.scope} ${p.apiGroup}/${p.resource}`), `${p.scope} write on ${p.resource}`);
      if (p.resource.endsWith("events")) assert.deepEqual(p.verbs, ["create"], "events are only created");
    }
  });

  it("become ClusterRole rules and Role rules, the Lease's get/list/watch/update restricted to its name", () => {
    assert.deepEqual(
      clusterRules().map((r) => `${r.apiGroups[0]}/${r.resources[0]}: ${r.verbs.join(",")}`),
      [
        "/nodes: list,watch",
        "/services: get,list,watch",
        "discovery.k8s.io/endpointslices: list,watch",
        "/pods: list,watch",
        "crd.projectcalico.org/blockaffinities: list,watch",
        "cilium.io/ciliumnodes: list,watch",
        "/services/status: patch",
        "/pods/status: get,patch",
        "events.k8s.io/events: create",
      ],
    );
    assert.ok(clusterRules().every((r) => r.resourceNames === undefined));
    assert.deepEqual(leaseNamespaceRules("my-lease"), [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "list", "watch", "update"],
        resourceNames: ["my-lease"],
      },
    ]);
  });

  it("permits() grants what the authorizer would: cluster rules anywhere, Role rules in the lease namespace only", () => {
    const ok = (r: Parameters<typeof permits>[0]) => permits(r, LEASE);
    assert.equal(ok({ verb: "watch", apiGroup: "", resource: "nodes" }), true);
    assert.equal(ok({ verb: "get", apiGroup: "", resource: "services", namespace: "shop", name: "api" }), true);
    assert.equal(ok({ verb: "list", apiGroup: "discovery.k8s.io", resource: "endpointslices", namespace: "x" }), true);
    assert.equal(ok({ verb: "patch", apiGroup: "", resource: "services", namespace: "shop", name: "api" }), false);
    assert.equal(ok({ verb: "get", apiGroup: "", resource: "secrets", namespace: "avi-k8s", name: "a" }), false);
    assert.equal(ok({ verb: "list", apiGroup: "", resource: "pods" }), true, "mode nodeportlocal's annotations");
    // Status only: the gate and the VIP are written through the status subresources, never the objects.
    assert.equal(ok({ verb: "patch", apiGroup: "", resource: "services/status", namespace: "a", name: "b" }), true);
    assert.equal(ok({ verb: "update", apiGroup: "", resource: "services/status", namespace: "a", name: "b" }), false);
    assert.equal(ok({ verb: "patch", apiGroup: "", resource: "pods/status", namespace: "a", name: "b" }), true);
    assert.equal(ok({ verb: "get", apiGroup: "", resource: "pods", namespace: "a", name: "b" }), false);
    assert.equal(ok({ verb: "patch", apiGroup: "", resource: "pods", namespace: "a", name: "b" }), false);
    assert.equal(ok({ verb: "create", apiGroup: "events.k8s.io", resource: "events", namespace: "a" }), true);
    assert.equal(ok({ verb: "create", apiGroup: "", resource: "events", namespace: "a" }), false);
    const lease = { apiGroup: "coordination.k8s.io", resource: "leases" };
    assert.equal(ok({ verb: "create", ...lease, namespace: "avi-k8s" }), true);
    assert.equal(ok({ verb: "create", ...lease, namespace: "kube-system" }), false);
    assert.equal(ok({ verb: "update", ...lease, namespace: "avi-k8s", name: "avi-k8s-sync-demo" }), true);
    assert.equal(ok({ verb: "update", ...lease, namespace: "avi-k8s", name: "someone-elses" }), false);
    assert.equal(ok({ verb: "get", ...lease, namespace: "other", name: "avi-k8s-sync-demo" }), false);
    // A list or watch is granted by name only with the name (from a metadata.name field selector, see requestOf).
    assert.equal(ok({ verb: "list", ...lease, namespace: "avi-k8s" }), false);
    assert.equal(ok({ verb: "watch", ...lease, namespace: "avi-k8s" }), false);
    assert.equal(ok({ verb: "watch", ...lease, namespace: "avi-k8s", name: "avi-k8s-sync-demo" }), true);
    assert.equal(ok({ verb: "list", ...lease, namespace: "avi-k8s", name: "avi-k8s-sync-demo" }), true);
    assert.equal(ok({ verb: "watch", ...lease, namespace: "avi-k8s", name: "someone-elses" }), false);
    // Nothing reads a node, a slice or a CNI object by name.
    assert.equal(ok({ verb: "get", apiGroup: "", resource: "nodes", name: "node1" }), false);
    assert.equal(ok({ verb: "delete", ...lease, namespace: "avi-k8s", name: "avi-k8s-sync-demo" }), false);
  });

  it("ruleAllows() matches a rule as the authorizer does: wildcards, '*/subresource', resourceNames", () => {
    const req = { verb: "get" as const, apiGroup: "", resource: "services/status", namespace: "a", name: "b" };
    assert.equal(ruleAllows({ apiGroups: [""], resources: ["services"], verbs: ["get"] }, req), false);
    assert.equal(ruleAllows({ apiGroups: [""], resources: ["*/status"], verbs: ["get"] }, req), true);
    assert.equal(ruleAllows({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, req), true);
    assert.equal(ruleAllows({ apiGroups: ["apps"], resources: ["*"], verbs: ["*"] }, req), false);
    const named = { apiGroups: [""], resources: ["services/status"], verbs: ["get"] };
    assert.equal(ruleAllows({ ...named, resourceNames: ["b"] }, req), true);
    assert.equal(ruleAllows({ ...named, resourceNames: ["c"] }, req), false);
    assert.equal(ruleAllows({ ...named, resourceNames: [] }, req), true, "an empty list restricts nothing");
  });

  it("requestOf() reads HTTP calls as the API server does", () => {
    assert.deepEqual(requestOf("GET", "/api/v1/nodes", "?limit=500"), {
      verb: "list",
      apiGroup: "",
      resource: "nodes",
    });
    assert.deepEqual(requestOf("GET", "/api/v1/nodes", "?watch=1&resourceVersion=5"), {
      verb: "watch",
      apiGroup: "",
      resource: "nodes",
    });
    assert.equal(requestOf("GET", "/api/v1/watch/nodes")?.verb, "watch");
    assert.equal(requestOf("GET", "/api/v1/nodes", "?watch=false")?.verb, "list");
    assert.deepEqual(requestOf("GET", "/api/v1/namespaces/default/services/web"), {
      verb: "get",
      apiGroup: "",
      resource: "services",
      namespace: "default",
      name: "web",
    });
    assert.deepEqual(requestOf("PATCH", "/api/v1/namespaces/default/services/web/status"), {
      verb: "patch",
      apiGroup: "",
      resource: "services/status",
      namespace: "default",
      name: "web",
    });
    assert.deepEqual(requestOf("PUT", "/apis/coordination.k8s.io/v1/namespaces/avi-k8s/leases/l"), {
      verb: "update",
      apiGroup: "coordination.k8s.io",
      resource: "leases",
      namespace: "avi-k8s",
      name: "l",
    });
    assert.equal(requestOf("POST", "/apis/coordination.k8s.io/v1/namespaces/avi-k8s/leases")?.verb, "create");
    assert.equal(requestOf("DELETE", "/api/v1/namespaces/a/pods")?.verb, "deletecollection");
    // A Namespace object is in its own namespace, as the API server reads it.
    assert.deepEqual(requestOf("GET", "/api/v1/namespaces/kube-system"), {
      verb: "get",
      apiGroup: "",
      resource: "namespaces",
      namespace: "kube-system",
      name: "kube-system",
    });
    assert.deepEqual(requestOf("PUT", "/api/v1/namespaces/x/finalize"), {
      verb: "update",
      apiGroup: "",
      resource: "namespaces/finalize",
      namespace: "x",
      name: "x",
    });
    assert.deepEqual(requestOf("GET", "/api/v1/namespaces"), { verb: "list", apiGroup: "", resource: "namespaces" });
    // watch: the first value, anything but 0 or false (any case) is a watch.
    for (const [q, verb] of [
      ["?watch=True", "watch"],
      ["?watch=t", "watch"],
      ["?watch=", "watch"],
      ["?watch=FALSE", "list"],
      ["?watch=0&watch=1", "list"],
    ]) {
      assert.equal(requestOf("GET", "/api/v1/pods", q)?.verb, verb, q);
    }
    // list/watch with a metadata.name field selector: authorized as that name (Kubernetes 1.11+).
    const leases = "/apis/coordination.k8s.io/v1/namespaces/avi-k8s/leases";
    assert.deepEqual(requestOf("GET", leases, `?fieldSelector=${encodeURIComponent("metadata.name=l")}&watch=1`), {
      verb: "watch",
      apiGroup: "coordination.k8s.io",
      resource: "leases",
      namespace: "avi-k8s",
      name: "l",
    });
    for (const [selector, name] of [
      ["metadata.name==l", "l"],
      ["metadata.namespace=avi-k8s,metadata.name=l", "l"],
      ["metadata.name!=l", undefined],
      ["metadata.name=a/b", undefined],
      ["metadata.name=..", undefined],
      ["spec.holderIdentity=l", undefined],
    ]) {
      assert.equal(requestOf("GET", leases, `?fieldSelector=${encodeURIComponent(selector as string)}`)?.name, name);
    }
    // The deprecated /watch/ prefix takes no name from the selector.
    const legacy = requestOf(
      "GET",
      "/apis/coordination.k8s.io/v1/watch/namespaces/avi-k8s/leases",
      "?fieldSelector=metadata.name%3Dl",
    );
    assert.deepEqual(legacy, {
      verb: "watch",
      apiGroup: "coordination.k8s.io",
      resource: "leases",
      namespace: "avi-k8s",
    });
    for (const p of ["/api", "/api/v1", "/apis", "/apis/cilium.io/v2", "/version", "/openapi/v3"]) {
      assert.equal(requestOf("GET", p), undefined, `${p} is not a resource request`);
    }
  });

  describe("every request the placement reader makes is granted", () => {
    for (const fixture of FIXTURES) {
      it(`fixture ${fixture} (cni auto, nodes and default/web)`, async function () {
        this.timeout(30_000);
        let kube: KubeEmulator | undefined;
        try {
          kube = await startKubeEmulator({ topology: fixturePath(`${fixture}.yaml`), kubelet: false });
          const placement = await readPlacement(
            { kubeconfigPath: kube.kubeconfig },
            { cni: "auto", services: [{ namespace: "default", name: "web" }] },
          );
          assert.ok(placement.nodes.length > 0);
          const requests = kube.requestLog.map((e) => ({ e, req: requestOf(e.method, e.path, e.query) }));
          const resources = requests.filter((r) => r.req !== undefined);
          assert.ok(resources.length >= 3, `the reader listed nodes, got the Service, listed slices`);
          const denied = resources.filter((r) => !permits(r.req!, LEASE)).map((r) => `${r.e.method} ${r.e.path}`);
          assert.deepEqual(denied, []);
        } finally {
          await kube?.stop();
        }
      });
    }
  });
});
