// A shared VIP (ClusterIpSharedVip) in membership "sync": its pools carry the group's markers (ServiceName and
// SharedVipKey = the key) plus membership=sync, the sync finds each pool's member Service from its name and keeps
// its servers from that Service's endpoints, beside an ordinary virtual service of the same Service.
import * as assert from "node:assert/strict";
import { applyVirtualService, listSyncPools } from "../../../provider/avi";
import { readPlacement } from "../../../provider/kube";
import { planSharedPools } from "../../../provider/plan";
import { CLUSTER, POOL, poolServers, type RunningSync, runSync, type SyncLab, startSyncLab, within } from "./support";

type Json = Record<string, unknown>;
const KEY = "front";
const SHARED = [`${CLUSTER}--default-web-${KEY}-TCP-80`, `${CLUSTER}--default-web-alt-${KEY}-TCP-8443`];

describe("the sync and a shared VIP in membership sync", function () {
  this.timeout(60_000);
  let lab: SyncLab;
  let sync: RunningSync | undefined;

  before(async () => {
    lab = await startSyncLab();
    // A second Service on the same pods, so the group has two members on one VIP.
    lab.kube.load([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web-alt", namespace: "default", labels: { app: "web" } },
        spec: {
          type: "ClusterIP",
          selector: { app: "web" },
          ports: [{ name: "https", port: 8443, protocol: "TCP", targetPort: "http" }],
        },
      },
    ]);
    const placement = await readPlacement(
      { kubeconfigContent: lab.kube.kubeconfigContent },
      {
        cni: "auto",
        services: [
          { namespace: "default", name: "web" },
          { namespace: "default", name: "web-alt" },
        ],
      },
    );
    const pools = placement.services.flatMap((svc) => planSharedPools(CLUSTER, KEY, svc));
    await applyVirtualService(lab.session, {
      cluster: CLUSTER,
      namespace: "default",
      service: KEY,
      sharedVip: KEY,
      vip: { address: "10.10.10.60" },
      ports: pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
      pools,
      membership: "sync",
    });
  });
  after(async () => {
    await sync?.stop();
    await lab?.stop();
  });

  it("marks the shared pools as the group's, in sync mode", () => {
    for (const name of SHARED) {
      const pool = lab.avi.objects("pool").find((p) => p.name === name) as Json;
      const markers = Object.fromEntries(
        (pool.markers as { key: string; values: string[] }[]).map((m) => [m.key, m.values.join()]),
      );
      assert.deepEqual(
        [markers.clustername, markers.Namespace, markers.ServiceName, markers.SharedVipKey, markers.membership],
        [CLUSTER, "default", KEY, KEY, "sync"],
        name,
      );
    }
  });

  it("finds each shared pool's member Service", async () => {
    const found = await listSyncPools(lab.session, CLUSTER);
    assert.deepEqual(
      found.map((p) => `${p.name} ${p.namespace}/${p.service}${p.sharedVip ? ` shared ${p.sharedVip}` : ""}`),
      [
        `${SHARED[0]} default/web shared ${KEY}`,
        `${SHARED[1]} default/web-alt shared ${KEY}`,
        `${POOL} default/web`,
      ].sort(),
    );
  });

  it("keeps every shared pool's servers from its member's endpoints, with the ordinary pool", async () => {
    const s = await runSync(lab);
    sync = s;
    await within(10_000, "the first full resync", () => s.handle.ready());
    const seed = poolServers(lab.avi);
    assert.equal(seed.length, 4);
    for (const name of SHARED) assert.deepEqual(poolServers(lab.avi, name), seed, name);

    lab.kube.deletePod("default", "web-a");
    const gone = (name: string) => !poolServers(lab.avi, name).some((x) => x.startsWith("192.168.101.13:"));
    await within(3000, "web-a leaves every pool", () => [POOL, ...SHARED].every(gone));
    lab.kube.createPod({
      name: "web-e",
      node: "node2",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 8080 }],
    });
    const full = (name: string) =>
      poolServers(lab.avi, name).length === 4 && poolServers(lab.avi, name).every((x) => x.endsWith(":true"));
    await within(3000, "web-e joins every pool", () => [POOL, ...SHARED].every(full));
    const ordinary = poolServers(lab.avi);
    for (const name of SHARED) assert.deepEqual(poolServers(lab.avi, name), ordinary, name);
    // One log line per write, naming the member Service each shared pool follows (logged once the answer is in).
    const memberOf = () => new Set(s.lines.map((l) => /^pool (\S+) \(service ([^)]+)\)/.exec(l)?.slice(1).join(" ")));
    await within(2000, "the shared pools' log lines", () => {
      const m = memberOf();
      return m.has(`${SHARED[0]} default/web`) && m.has(`${SHARED[1]} default/web-alt`);
    });
    const members = memberOf();
    assert.ok(members.has(`${SHARED[0]} default/web`), s.lines.join("\n"));
    assert.ok(members.has(`${SHARED[1]} default/web-alt`), s.lines.join("\n"));
    assert.deepEqual(
      s.lines.filter((l) => /no port for pool|left alone/.test(l)),
      [],
    );
  });
});
