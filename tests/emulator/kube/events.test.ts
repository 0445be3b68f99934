// Events: events.k8s.io/v1 and core/v1 over one storage, converted as the real server converts them, with the
// strict validation of the new API, the field selectors of each, Table output and watches in each API's shape.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call, openWatch } from "./helpers";

const V1 = "/apis/events.k8s.io/v1/namespaces/default/events";
const CORE = "/api/v1/namespaces/default/events";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

const newEvent = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name, namespace: "default" },
  eventTime: "2026-03-01T10:00:00.250000Z",
  reportingController: "avi-k8s.io/sync",
  reportingInstance: "sync-0",
  action: "UpdatePool",
  reason: "PoolUpdated",
  type: "Normal",
  note: "servers added: 192.168.102.5:8080",
  regarding: { apiVersion: "v1", kind: "Service", name: "web", namespace: "default", uid: "u-web" },
  ...extra,
});

describe("Kubernetes emulator Events (events.k8s.io/v1 and core/v1)", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator();
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("serves an event created through events.k8s.io/v1 as the core/v1 Event kubectl describe reads", async () => {
    const created = await call(kube, "POST", V1, { body: newEvent("web.1") });
    assert.equal(created.status, 201);
    assert.equal(created.body.apiVersion, "events.k8s.io/v1");
    assert.equal(created.body.deprecatedFirstTimestamp, null);
    const core = (await call(kube, "GET", `${CORE}/web.1`)).body;
    const { metadata: _m, ...rest } = core;
    assert.deepEqual(rest, {
      apiVersion: "v1",
      kind: "Event",
      involvedObject: { apiVersion: "v1", kind: "Service", name: "web", namespace: "default", uid: "u-web" },
      reason: "PoolUpdated",
      message: "servers added: 192.168.102.5:8080",
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: "Normal",
      eventTime: "2026-03-01T10:00:00.250000Z",
      action: "UpdatePool",
      reportingComponent: "avi-k8s.io/sync",
      reportingInstance: "sync-0",
    });
  });

  it("serves an old-style core/v1 event through events.k8s.io/v1 with the deprecated fields", async () => {
    const old = {
      metadata: { name: "web.2" },
      involvedObject: { kind: "Service", name: "web", namespace: "default" },
      reason: "Synced",
      message: "ok",
      source: { component: "legacy-controller" },
      firstTimestamp: "2026-03-01T10:00:00Z",
      lastTimestamp: "2026-03-01T10:05:00.999Z",
      count: 3,
      type: "Normal",
    };
    assert.equal((await call(kube, "POST", CORE, { body: old })).status, 201);
    const v1 = (await call(kube, "GET", `${V1}/web.2`)).body;
    assert.deepEqual(
      [v1.eventTime, v1.note, v1.regarding.name, v1.deprecatedSource, v1.deprecatedLastTimestamp, v1.deprecatedCount],
      [null, "ok", "web", { component: "legacy-controller" }, "2026-03-01T10:05:00Z", 3],
    );
    assert.equal(v1.reportingController, undefined);
  });

  it("validates events.k8s.io/v1 strictly and core/v1 leniently, with the real messages", async () => {
    const bad = await call(kube, "POST", V1, {
      body: newEvent("bad", { eventTime: undefined, type: "Info", reportingController: undefined }),
    });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'Event "bad" is invalid: [eventTime: Required value, type: Invalid value: "": has invalid value: Info]',
    );
    const noAction = await call(kube, "POST", V1, { body: newEvent("na", { action: undefined }) });
    assert.equal(noAction.body.message, 'Event "na" is invalid: action: Required value');
    const ms = await call(kube, "POST", V1, { body: newEvent("ms", { eventTime: "2026-03-01T10:00:00.250Z" }) });
    assert.equal(ms.status, 400);
    assert.match(ms.body.message, /^Event in version "v1" cannot be handled as a Event: parsing time/);
    const otherNs = await call(kube, "POST", CORE, {
      body: { metadata: { name: "x" }, involvedObject: { kind: "Pod", name: "p", namespace: "kube-system" } },
    });
    assert.equal(otherNs.status, 422);
    assert.equal(
      otherNs.body.message,
      'Event "x" is invalid: involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace',
    );
  });

  it("selects by involvedObject.* on core/v1 and by regarding.* on events.k8s.io/v1, each refusing the other's", async () => {
    await call(kube, "POST", V1, { body: newEvent("web.1") });
    await call(kube, "POST", V1, {
      body: newEvent("db.1", { regarding: { kind: "Service", name: "db", namespace: "default" } }),
    });
    const names = (r: { body: { items: { metadata: { name: string } }[] } }) =>
      r.body.items.map((i) => i.metadata.name);
    const describeQuery =
      "fieldSelector=involvedObject.name%3Dweb%2CinvolvedObject.namespace%3Ddefault%2CinvolvedObject.kind%3DService%2CinvolvedObject.uid%3Du-web&limit=500";
    assert.deepEqual(names(await call(kube, "GET", `${CORE}?${describeQuery}`)), ["web.1"]);
    assert.deepEqual(names(await call(kube, "GET", `${V1}?fieldSelector=regarding.name%3Ddb`)), ["db.1"]);
    assert.deepEqual(
      names(await call(kube, "GET", `${CORE}?fieldSelector=source%3Davi-k8s.io%2Fsync`)),
      ["db.1", "web.1"],
      "source falls back to reportingComponent",
    );
    const wrong = await call(kube, "GET", `${V1}?fieldSelector=involvedObject.name%3Dweb`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, "field label not supported: involvedObject.name");
  });

  it("prints the event Table (Last Seen, Type, Reason, Object, ... Name) from either API", async () => {
    await call(kube, "POST", V1, { body: newEvent("web.1") });
    for (const path of [CORE, V1]) {
      const t = (await call(kube, "GET", path, { accept: TABLE })).body;
      assert.deepEqual(
        t.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
        [
          "Last Seen:0",
          "Type:0",
          "Reason:0",
          "Object:0",
          "Subobject:1",
          "Source:1",
          "Message:0",
          "First Seen:1",
          "Count:1",
          "Name:1",
        ],
      );
      const [last, type, reason, object, sub, source, message, first, count, name] = t.rows[0].cells;
      assert.deepEqual(
        [type, reason, object, sub, source, message, count, name],
        [
          "Normal",
          "PoolUpdated",
          "service/web",
          "",
          "avi-k8s.io/sync, sync-0",
          "servers added: 192.168.102.5:8080",
          1,
          "web.1",
        ],
      );
      assert.match(last, /^\d+[smhdy]/);
      assert.equal(first, last);
    }
  });

  it("streams events to a watch in the watched API's shape", async () => {
    const v1 = openWatch(kube, `${V1}?watch=true`);
    const core = openWatch(kube, `${CORE}?watch=true`);
    await call(kube, "POST", V1, { body: newEvent("web.1") });
    await v1.until((e) => e.type === "ADDED");
    await core.until((e) => e.type === "ADDED");
    v1.stop();
    core.stop();
    assert.deepEqual(
      [v1.events[0].object.apiVersion, v1.events[0].object.note],
      ["events.k8s.io/v1", "servers added: 192.168.102.5:8080"],
    );
    assert.deepEqual(
      [core.events[0].object.apiVersion, core.events[0].object.message],
      ["v1", "servers added: 192.168.102.5:8080"],
    );
  });
});
