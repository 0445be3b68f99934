// coordination.k8s.io/v1 Leases as leader election uses them: discovery, CRUD, optimistic concurrency with the
// real Conflict body, MicroTime decoding (six fractional digits, as the real server insists), validation, watch.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call, openWatch } from "./helpers";

const LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
const lease = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name },
  spec: { holderIdentity: "a", leaseDurationSeconds: 15, renewTime: "2026-03-01T10:00:00.000000Z", ...spec },
});

describe("Kubernetes emulator Leases (coordination.k8s.io/v1)", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator();
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("is discoverable: the group in /apis and a namespaced leases resource with every verb", async () => {
    const groups = (await call(kube, "GET", "/apis")).body.groups.map((g: { name: string }) => g.name);
    assert.ok(groups.indexOf("coordination.k8s.io") < groups.indexOf("discovery.k8s.io"), groups.join());
    const list = (await call(kube, "GET", "/apis/coordination.k8s.io/v1")).body;
    assert.equal(list.groupVersion, "coordination.k8s.io/v1");
    const r = list.resources.find((x: { name: string }) => x.name === "leases");
    assert.deepEqual(
      [r.kind, r.namespaced, r.singularName, r.verbs],
      ["Lease", true, "lease", ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]],
    );
  });

  it("creates, reads, renews with the current resourceVersion, refuses a stale one with 409 Conflict, deletes", async () => {
    const created = await call(kube, "POST", LEASES, { body: lease("sync") });
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.renewTime, "2026-03-01T10:00:00.000000Z");
    const got = (await call(kube, "GET", `${LEASES}/sync`)).body;
    const renewed = await call(kube, "PUT", `${LEASES}/sync`, {
      body: { ...got, spec: { ...got.spec, renewTime: "2026-03-01T10:00:05.123456Z" } },
    });
    assert.equal(renewed.status, 200);
    assert.equal(renewed.body.spec.renewTime, "2026-03-01T10:00:05.123456Z");
    // A second candidate still holding the first version loses the race.
    const stale = await call(kube, "PUT", `${LEASES}/sync`, {
      body: { ...got, spec: { ...got.spec, holderIdentity: "b" } },
    });
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'Operation cannot be fulfilled on leases.coordination.k8s.io "sync": the object has been modified; please apply your changes to the latest version and try again',
      reason: "Conflict",
      details: { name: "sync", group: "coordination.k8s.io", kind: "leases" },
      code: 409,
    });
    const dup = await call(kube, "POST", LEASES, { body: lease("sync") });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.message, 'leases.coordination.k8s.io "sync" already exists');
    const patched = await call(kube, "PATCH", `${LEASES}/sync`, {
      body: { spec: { holderIdentity: "b", leaseTransitions: 1 } },
      contentType: "application/merge-patch+json",
    });
    assert.deepEqual([patched.body.spec.holderIdentity, patched.body.spec.leaseTransitions], ["b", 1]);
    assert.equal((await call(kube, "DELETE", `${LEASES}/sync`)).status, 200);
    const gone = await call(kube, "GET", `${LEASES}/sync`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.message, 'leases.coordination.k8s.io "sync" not found');
  });

  it("refuses a renewTime with millisecond precision as the real decoder does, and stores others in UTC", async () => {
    const ms = await call(kube, "POST", LEASES, { body: lease("ms", { renewTime: "2026-08-11T19:37:19.103Z" }) });
    assert.equal(ms.status, 400);
    assert.equal(ms.body.reason, "BadRequest");
    assert.equal(
      ms.body.message,
      'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-08-11T19:37:19.103Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".103Z" as ".000000"',
    );
    const seconds = await call(kube, "POST", LEASES, { body: lease("s", { acquireTime: "2026-08-11T19:37:19Z" }) });
    assert.equal(seconds.status, 400);
    assert.match(seconds.body.message, /cannot parse "Z" as "\.000000"$/);
    const offset = await call(kube, "POST", LEASES, {
      body: lease("tz", { renewTime: "2026-08-11T21:37:19.000001+02:00" }),
    });
    assert.equal(offset.body.spec.renewTime, "2026-08-11T19:37:19.000001Z");
    const wrongType = await call(kube, "POST", LEASES, { body: lease("t", { leaseDurationSeconds: "15" }) });
    assert.equal(wrongType.status, 400);
    assert.equal(
      wrongType.body.message,
      'Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal string into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32',
    );
  });

  it("validates the spec and the field selector with the real texts", async () => {
    const bad = await call(kube, "POST", LEASES, {
      body: lease("bad", { leaseDurationSeconds: 0, leaseTransitions: -1 }),
    });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'Lease.coordination.k8s.io "bad" is invalid: [spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0]',
    );
    assert.deepEqual(
      bad.body.details.causes.map((c: { field: string }) => c.field),
      ["spec.leaseDurationSeconds", "spec.leaseTransitions"],
    );
    const sel = await call(kube, "GET", `${LEASES}?fieldSelector=spec.holderIdentity%3Da`);
    assert.equal(sel.status, 400);
    assert.equal(
      sel.body.message,
      '"spec.holderIdentity" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it("streams lease changes to a watch", async () => {
    const w = openWatch(kube, `${LEASES}?watch=1`);
    await call(kube, "POST", LEASES, { body: lease("w") });
    await call(kube, "PATCH", `${LEASES}/w`, {
      body: { spec: { renewTime: "2026-03-01T10:00:10.000000Z" } },
      contentType: "application/merge-patch+json",
    });
    await call(kube, "DELETE", `${LEASES}/w`);
    await w.until((e) => e.type === "DELETED");
    w.stop();
    assert.deepEqual(
      w.events.map((e) => [e.type, e.object.kind, e.object.spec.renewTime]),
      [
        ["ADDED", "Lease", "2026-03-01T10:00:00.000000Z"],
        ["MODIFIED", "Lease", "2026-03-01T10:00:10.000000Z"],
        ["DELETED", "Lease", "2026-03-01T10:00:10.000000Z"],
      ],
    );
  });
});
