// The change filter and the coalescing scheduler, with plain data and a real clock (short windows).
import * as assert from "node:assert/strict";
import {
  blockAffinityMeaning,
  createScheduler,
  LATENCY_BUCKETS,
  nodeMeaning,
  quantile,
  serviceMeaning,
  sliceMeaning,
} from "../../../provider/sync";
import { sleep } from "./support";

const node = (extra: Record<string, unknown> = {}) => ({
  metadata: { name: "node1", resourceVersion: "10", annotations: { "node.alpha.kubernetes.io/ttl": "0" } },
  spec: { podCIDR: "192.168.101.0/24", podCIDRs: ["192.168.101.0/24"] },
  status: {
    addresses: [
      { type: "InternalIP", address: "10.100.1.101" },
      { type: "Hostname", address: "node1" },
    ],
    conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: "2026-01-01T00:00:00Z" }],
    images: [{ names: ["nginx"], sizeBytes: 1 }],
  },
  ...extra,
});

describe("provider/sync change filter", () => {
  it("finds nothing in a kubelet heartbeat, a resourceVersion bump, images or an unread annotation", () => {
    const base = nodeMeaning(node());
    const beat = node();
    beat.metadata.resourceVersion = "11";
    beat.metadata.annotations = { "node.alpha.kubernetes.io/ttl": "30" };
    beat.status.conditions = [{ type: "Ready", status: "True", lastHeartbeatTime: "2026-01-01T00:00:10Z" }];
    beat.status.images = [{ names: ["nginx", "redis"], sizeBytes: 2 }];
    assert.equal(nodeMeaning(beat), base);
  });

  it("finds a pod CIDR, an address or a CNI annotation that changed", () => {
    const base = nodeMeaning(node());
    const cidr = node({ spec: { podCIDR: "192.168.109.0/24", podCIDRs: ["192.168.109.0/24"] } });
    assert.notEqual(nodeMeaning(cidr), base);
    const moved = node();
    moved.status.addresses = [
      { type: "InternalIP", address: "10.100.1.201" },
      { type: "Hostname", address: "node1" },
    ];
    assert.notEqual(nodeMeaning(moved), base);
    const calico = node();
    calico.metadata.annotations = {
      ...calico.metadata.annotations,
      "projectcalico.org/IPv4Address": "10.100.1.5/24",
    } as never;
    assert.notEqual(nodeMeaning(calico), base);
  });

  it("sees an endpoint's address, readiness, termination or node, not its order or the slice's resourceVersion", () => {
    const ep = (addr: string, ready = true) => ({
      addresses: [addr],
      conditions: { ready, serving: ready, terminating: false },
      nodeName: "node1",
      targetRef: { kind: "Pod", name: `p-${addr}` },
    });
    const slice = (eps: unknown[], rv = "1") => ({
      metadata: { name: "web-x", resourceVersion: rv },
      addressType: "IPv4",
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      endpoints: eps,
    });
    const base = sliceMeaning(slice([ep("10.0.0.1"), ep("10.0.0.2")]));
    assert.equal(sliceMeaning(slice([ep("10.0.0.2"), ep("10.0.0.1")], "2")), base);
    assert.notEqual(sliceMeaning(slice([ep("10.0.0.1"), ep("10.0.0.2", false)])), base);
    assert.notEqual(sliceMeaning(slice([ep("10.0.0.1")])), base);
    assert.notEqual(
      sliceMeaning({
        ...slice([ep("10.0.0.1"), ep("10.0.0.2")]),
        ports: [{ name: "http", port: 9090, protocol: "TCP" }],
      }),
      base,
    );
  });

  it("sees a Service's ports and selector, and a Calico block's state", () => {
    const svc = {
      spec: {
        type: "ClusterIP",
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
      },
    };
    assert.equal(
      serviceMeaning({ ...svc, metadata: { resourceVersion: "9", labels: { a: "b" } } } as never),
      serviceMeaning(svc),
    );
    assert.notEqual(
      serviceMeaning({ spec: { ...svc.spec, ports: [{ ...svc.spec.ports[0], targetPort: 8081 }] } }),
      serviceMeaning(svc),
    );
    const ba = { spec: { node: "node1", cidr: "10.0.0.0/26", state: "confirmed", deleted: "false" } };
    assert.notEqual(blockAffinityMeaning({ spec: { ...ba.spec, state: "pendingDeletion" } }), blockAffinityMeaning(ba));
  });
});

describe("provider/sync coalescing scheduler", () => {
  it("runs a burst of events for one key once, after the quiet time", async () => {
    const runs: string[] = [];
    const s = createScheduler({ quietMs: 50, maxDelayMs: 1000, concurrency: 2, run: async (k) => void runs.push(k) });
    for (let i = 0; i < 30; i++) {
      s.touch("svc:a");
      if (i % 10 === 0) s.touch("svc:b");
      await sleep(2);
    }
    await sleep(150);
    assert.deepEqual(runs.sort(), ["svc:a", "svc:b"]);
    s.stop();
  });

  it("never holds a steady stream longer than the maximum delay", async () => {
    const runs: number[] = [];
    const start = Date.now();
    const s = createScheduler({
      quietMs: 100,
      maxDelayMs: 200,
      concurrency: 1,
      run: async () => void runs.push(Date.now() - start),
    });
    while (Date.now() - start < 550) {
      s.touch("k");
      await sleep(20);
    }
    s.stop();
    assert.ok(runs.length >= 2, `ran ${runs.length} times during 550 ms of events`);
    assert.ok((runs[0] as number) < 300, `first run after ${runs[0]} ms`);
  });

  it("never runs a key twice at once, and runs it again once after events during a run", async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const s = createScheduler({
      quietMs: 10,
      maxDelayMs: 100,
      concurrency: 4,
      run: async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await sleep(80);
        active--;
      },
    });
    s.touch("k");
    await sleep(30);
    for (let i = 0; i < 10; i++) s.touch("k");
    await sleep(250);
    assert.deepEqual([most, runs], [1, 2]);
    s.stop();
  });

  it("retries a failed key with backoff until it succeeds; runSoon says how the run went", async () => {
    let calls = 0;
    const failures: number[] = [];
    const s = createScheduler({
      quietMs: 10,
      maxDelayMs: 50,
      concurrency: 1,
      random: () => 0,
      run: async () => {
        calls++;
        if (calls < 3) throw new Error("controller unreachable");
      },
      onFailure: (_k, _e, n) => failures.push(n),
    });
    assert.equal(await s.runSoon("k"), false);
    await sleep(1200);
    assert.deepEqual([calls, failures], [3, [1, 2]]);
    assert.equal(await s.runSoon("k"), true);
    s.stop();
  });

  it("reads quantiles off the latency histogram as PromQL does", () => {
    const h = { buckets: LATENCY_BUCKETS, counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
    for (const v of [0.1, 0.1, 0.2, 0.2, 0.3, 0.4, 0.45, 0.6, 1.2, 3]) {
      h.count++;
      h.sum += v;
      LATENCY_BUCKETS.forEach((b, i) => {
        if (v <= b) (h.counts[i] as number)++;
      });
    }
    const p50 = quantile(h, 0.5) as number;
    assert.ok(p50 > 0.25 && p50 <= 0.3, String(p50));
    assert.ok((quantile(h, 0.95) as number) <= 5);
  });
});
