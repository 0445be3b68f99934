// Leader election and events as a program using @kubernetes/client-node 1.4 would write them: a hand-written
// Lease loop (CoordinationV1Api, V1MicroTime, replace with the read resourceVersion, 409 on a lost race) and
// events recorded through EventsV1Api and read back through CoreV1Api the way kubectl describe reads them.
import * as assert from "node:assert/strict";
import type * as K8s from "@kubernetes/client-node";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";

const k8s = require("@kubernetes/client-node") as typeof K8s;
const NS = "default";
const NAME = "avi-k8s-sync";

/** One round of a candidate's loop: take the lease if free or expired, renew it if held. */
async function tryAcquire(api: K8s.CoordinationV1Api, id: string, durationSeconds = 1): Promise<boolean> {
  const now = new k8s.V1MicroTime();
  let cur: K8s.V1Lease;
  try {
    cur = await api.readNamespacedLease({ name: NAME, namespace: NS });
  } catch (e) {
    if ((e as K8s.ApiException<string>).code !== 404) throw e;
    try {
      await api.createNamespacedLease({
        namespace: NS,
        body: {
          metadata: { name: NAME },
          spec: {
            holderIdentity: id,
            leaseDurationSeconds: durationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        },
      });
      return true;
    } catch (c) {
      if ((c as K8s.ApiException<string>).code === 409) return false;
      throw c;
    }
  }
  const spec = cur.spec!;
  const renewed = Date.parse(String(spec.renewTime));
  const expired = Date.now() - renewed > (spec.leaseDurationSeconds ?? 0) * 1000;
  if (spec.holderIdentity !== id && !expired) return false;
  if (spec.holderIdentity !== id) {
    spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    spec.acquireTime = now;
    spec.holderIdentity = id;
  }
  spec.renewTime = now;
  try {
    await api.replaceNamespacedLease({ name: NAME, namespace: NS, body: cur });
    return true;
  } catch (e) {
    if ((e as K8s.ApiException<string>).code === 409) return false;
    throw e;
  }
}

describe("Kubernetes emulator with @kubernetes/client-node 1.4: leases, events, status, pod lifecycle", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let kc: K8s.KubeConfig;
  before(async () => {
    kube = await startKubeEmulator();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kube.kubeconfig);
  });
  after(async () => {
    await kube?.stop();
  });

  it("elects one leader, lets it renew, hands over after the lease expires, and loses a race with 409", async () => {
    const a = kc.makeApiClient(k8s.CoordinationV1Api);
    const b = kc.makeApiClient(k8s.CoordinationV1Api);
    const first = await Promise.all([tryAcquire(a, "replica-a"), tryAcquire(b, "replica-b")]);
    assert.equal(first.filter(Boolean).length, 1, "exactly one candidate creates the lease");
    const leader = first[0] ? "replica-a" : "replica-b";
    const follower = leader === "replica-a" ? "replica-b" : "replica-a";
    const api = (id: string) => (id === "replica-a" ? a : b);
    assert.equal(await tryAcquire(api(follower), follower), false, "a held lease is not taken");
    assert.equal(await tryAcquire(api(leader), leader), true, "the holder renews");
    await new Promise((r) => setTimeout(r, 1300)); // the leader stops renewing
    assert.equal(await tryAcquire(api(follower), follower), true, "the follower takes over");
    const lease = await a.readNamespacedLease({ name: NAME, namespace: NS });
    assert.deepEqual([lease.spec?.holderIdentity, lease.spec?.leaseTransitions], [follower, 1]);
    assert.match(String(lease.spec?.renewTime), /\.\d{6}Z$/);

    // Two replicas that read the same version: the second replace is refused.
    const r1 = await a.readNamespacedLease({ name: NAME, namespace: NS });
    const r2 = await b.readNamespacedLease({ name: NAME, namespace: NS });
    r1.spec!.renewTime = new k8s.V1MicroTime();
    r2.spec!.renewTime = new k8s.V1MicroTime();
    await a.replaceNamespacedLease({ name: NAME, namespace: NS, body: r1 });
    await assert.rejects(
      b.replaceNamespacedLease({ name: NAME, namespace: NS, body: r2 }),
      (e: K8s.ApiException<string>) => e.code === 409 && JSON.parse(e.body).reason === "Conflict",
    );
  });

  it("refuses a Lease whose times are plain Dates (milliseconds), as a real server does", async () => {
    const api = kc.makeApiClient(k8s.CoordinationV1Api);
    await assert.rejects(
      api.createNamespacedLease({
        namespace: NS,
        body: { metadata: { name: "plain-date" }, spec: { holderIdentity: "x", renewTime: new Date() } },
      }),
      (e: K8s.ApiException<string>) =>
        e.code === 400 && /cannot parse "\.\d{3}Z" as "\.000000"/.test(JSON.parse(e.body).message),
    );
  });

  it("records an event through EventsV1Api that CoreV1Api finds by involvedObject", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const svc = await core.readNamespacedService({ name: "web", namespace: NS });
    await kc.makeApiClient(k8s.EventsV1Api).createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { generateName: "web." },
        eventTime: new k8s.V1MicroTime(),
        reportingController: "avi-k8s.io/sync",
        reportingInstance: "sync-0",
        action: "UpdatePool",
        reason: "PoolUpdated",
        type: "Normal",
        note: "servers added: 192.168.102.5:8080",
        regarding: { apiVersion: "v1", kind: "Service", name: "web", namespace: NS, uid: svc.metadata?.uid },
      },
    });
    const found = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=web,involvedObject.namespace=${NS},involvedObject.kind=Service,involvedObject.uid=${svc.metadata?.uid}`,
    });
    assert.equal(found.items.length, 1);
    const ev = found.items[0];
    assert.deepEqual(
      [ev.reason, ev.message, ev.reportingComponent, ev.involvedObject.name],
      ["PoolUpdated", "servers added: 192.168.102.5:8080", "avi-k8s.io/sync", "web"],
    );
    assert.match(ev.metadata.name ?? "", /^web\.[a-z0-9]{5}$/);
  });

  it("writes a LoadBalancer's status with patch/replaceNamespacedServiceStatus (JSON and merge patch)", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: "web-lb" },
        spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] },
      },
    });
    // client-node's default patch type is a JSON patch.
    await core.patchNamespacedServiceStatus({
      name: "web-lb",
      namespace: NS,
      body: [{ op: "add", path: "/status/loadBalancer/ingress", value: [{ ip: "10.10.10.10" }] }],
    });
    let svc = await core.readNamespacedServiceStatus({ name: "web-lb", namespace: NS });
    assert.deepEqual(
      svc.status?.loadBalancer?.ingress?.map((i) => [i.ip, i.ipMode]),
      [["10.10.10.10", "VIP"]],
    );
    assert.ok((svc.spec?.ports?.[0].nodePort ?? 0) >= 30000, "a LoadBalancer gets a node port");
    await core.patchNamespacedServiceStatus(
      { name: "web-lb", namespace: NS, body: { status: { loadBalancer: { ingress: [{ ip: "10.10.10.11" }] } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    svc = await core.readNamespacedService({ name: "web-lb", namespace: NS });
    assert.equal(svc.status?.loadBalancer?.ingress?.[0].ip, "10.10.10.11");
    svc.status = { loadBalancer: {} };
    const replaced = await core.replaceNamespacedServiceStatus({ name: "web-lb", namespace: NS, body: svc });
    assert.equal(replaced.status?.loadBalancer?.ingress, undefined);
  });

  it("sees a created pod start and turn Ready, and a deleted one go Terminating then DELETED, through Watch", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    let resolveGone: () => void;
    const gone = new Promise<void>((r) => {
      resolveGone = r;
    });
    const req = await new k8s.Watch(kc).watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: "app=cn" },
      (type: string, pod: K8s.V1Pod) => {
        const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.status;
        seen.push(
          `${type} ${pod.status?.phase} ${pod.status?.podIP ?? "-"} ${ready ?? "-"} ${pod.metadata?.deletionTimestamp ? "T" : ""}`.trim(),
        );
        if (type === "DELETED") resolveGone();
      },
      () => {},
    );
    try {
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name: "cn-1", labels: { app: "cn" } },
          spec: { nodeName: "node1", containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      });
      await kube.waitFor(
        "pods",
        "cn-1",
        NS,
        (p) =>
          p?.status?.conditions?.some(
            (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
          ) ?? false,
      );
      const deleted = await core.deleteNamespacedPod({ name: "cn-1", namespace: NS });
      assert.ok(deleted.metadata?.deletionTimestamp instanceof Date);
      await gone;
    } finally {
      req.abort();
    }
    assert.equal(seen[0], "ADDED Pending - -");
    assert.match(seen[1], /^MODIFIED Running 192\.168\.101\.\d+ True$/);
    assert.match(seen.at(-2) ?? "", /^MODIFIED Running 192\.168\.101\.\d+ True T$/);
    assert.match(seen.at(-1) ?? "", /^DELETED Running/);
  });
});
