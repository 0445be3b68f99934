// What a sync loop needs from watches and query parameters: every boolean spelling the API server accepts,
// resuming from a resourceVersion after the connection drops, 410 Expired after compaction, bookmarks,
// a watch from a resourceVersion not reached yet, and /version/ with a trailing slash.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call, openWatch } from "./helpers";

describe("Kubernetes emulator watches and query parameters", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator({ bookmarkIntervalMs: 50 });
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("starts a watch for every spelling apimachinery reads as true, and lists for 0 and false in any case", async () => {
    const spellings = ["true", "True", "TRUE", "1", "t", "T", "yes", ""];
    const watches = spellings.map((v) => openWatch(kube, `/api/v1/nodes?watch=${v}&timeoutSeconds=1`));
    const bare = openWatch(kube, "/api/v1/nodes?watch&timeoutSeconds=1");
    await Promise.all([...watches, bare].map((w) => w.done));
    for (const [i, w] of watches.entries()) {
      assert.deepEqual(
        w.events.map((e) => [e.type, e.object.metadata.name]),
        [
          ["ADDED", "node1"],
          ["ADDED", "node2"],
        ],
        `watch=${spellings[i]}`,
      );
    }
    assert.equal(bare.events.length, 2, "a bare ?watch is a watch too");
    for (const v of ["false", "False", "FALSE", "0"]) {
      const r = await call(kube, "GET", `/api/v1/nodes?watch=${v}`);
      assert.equal(r.body.kind, "NodeList", `watch=${v}`);
    }
    assert.equal(kube.requestLog.filter((e) => e.watch).length, 9);
  });

  it("sends bookmarks for allowWatchBookmarks=1 and =True, none for =false", async () => {
    for (const [v, expected] of [
      ["1", true],
      ["True", true],
      ["false", false],
    ] as const) {
      const w = openWatch(kube, `/api/v1/nodes?watch=1&allowWatchBookmarks=${v}&timeoutSeconds=1`);
      await w.done;
      assert.equal(
        w.events.some((e) => e.type === "BOOKMARK"),
        expected,
        `allowWatchBookmarks=${v}`,
      );
    }
  });

  it("answers a GET of one named object with the object even when watch=true is given", async () => {
    const r = await call(kube, "GET", "/api/v1/nodes/node1?watch=true");
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "Node");
    assert.equal(r.body.metadata.name, "node1");
  });

  it("serves /version and /version/ without a token", async () => {
    for (const p of ["/version", "/version/"]) {
      const r = await call(kube, "GET", p, { token: null });
      assert.equal(r.status, 200, p);
      assert.equal(r.body.gitVersion, "v1.32.4");
    }
  });

  it("resumes after the server drops the watch: a watch from the last seen resourceVersion misses nothing", async () => {
    const first = openWatch(kube, "/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true");
    await first.until((e) => e.type === "BOOKMARK");
    kube.setPodReady("default", "web-a", false);
    await first.until((e) => e.type === "MODIFIED");
    const lastSeen = first.events.filter((e) => e.type !== "BOOKMARK").at(-1).object.metadata.resourceVersion;
    kube.dropWatches();
    await first.done;
    // Changes while no watch is open.
    kube.setPodReady("default", "web-b", false);
    kube.deletePod("default", "web-c");
    const resumed = openWatch(kube, `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${lastSeen}`);
    await resumed.until((e) => e.type === "DELETED");
    resumed.stop();
    assert.deepEqual(
      resumed.events.map((e) => [e.type, e.object.metadata.name]),
      [
        ["MODIFIED", "web-b"],
        ["DELETED", "web-c"],
      ],
    );
  });

  it("answers 410 Expired with the oldest resourceVersion still watchable after compaction", async () => {
    const rv = kube.resourceVersion();
    kube.setPodReady("default", "web-a", false);
    kube.compact();
    const now = kube.resourceVersion();
    const w = openWatch(kube, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await w.done;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, "ERROR");
    assert.deepEqual(w.events[0].object, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `too old resource version: ${rv} (${now})`,
      reason: "Expired",
      code: 410,
    });
    // From the current resourceVersion the watch works, and delivers later changes.
    const ok = openWatch(kube, `/api/v1/pods?watch=true&resourceVersion=${now}`);
    kube.setPodReady("default", "web-a", true);
    await ok.until((e) => e.type === "MODIFIED");
    ok.stop();
    assert.equal(ok.events[0].object.metadata.name, "web-a");
  });

  it("starts a watch from a resourceVersion the store has not reached only after it", async () => {
    const ahead = Number(kube.resourceVersion()) + 1;
    const w = openWatch(kube, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${ahead}`);
    await new Promise((r) => setTimeout(r, 100));
    const a = kube.setPodReady("default", "web-a", false);
    assert.equal(a.metadata.resourceVersion, String(ahead), "the pod write is the asked version itself");
    kube.setPodReady("default", "web-b", false); // after the asked version (the slice writes came in between)
    await w.until((e) => e.type === "MODIFIED");
    w.stop();
    assert.deepEqual(
      w.events.map((e) => e.object.metadata.name),
      ["web-b"],
    );
  });

  it("indents JSON for ?pretty=true and for curl, by strconv.ParseBool for pretty", async () => {
    assert.match(
      (await call(kube, "GET", "/api/v1/nodes/node1?pretty=true")).text,
      /^\{\n {2}"apiVersion": "v1",\n {2}"kind": "Node"/,
    );
    assert.match((await call(kube, "GET", "/api/v1/nodes/node1?pretty=t")).text, /^\{\n/);
    assert.match((await call(kube, "GET", "/api/v1/nodes/node1?pretty=yes")).text, /^\{"apiVersion"/);
    assert.match((await call(kube, "GET", "/api/v1/nodes/node1")).text, /^\{"apiVersion"/);
    const curl = await call(kube, "GET", "/api/v1/nodes/node1", { headers: { "User-Agent": "curl/7.88.1" } });
    assert.match(curl.text, /^\{\n/);
    const curlNo = await call(kube, "GET", "/api/v1/nodes/node1?pretty=false", {
      headers: { "User-Agent": "curl/7.88.1" },
    });
    assert.match(curlNo.text, /^\{"apiVersion"/);
  });
});
