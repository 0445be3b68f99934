// membership "sync" through the real dynamic-provider host: the checked inputs hold no members (preview shows no
// churn), create writes what it resolved and marks the pool (or records the routes), later updates change settings
// and keep the members the controller holds, refresh calls the sync's changes no drift, outputs show the live
// members, and a resource switches between the modes both ways. Older state (no membership) stays "pulumi".
import * as assert from "node:assert/strict";
import { listSyncPools, syncPoolMembers } from "../../provider/avi";
import { controllerRoutes, controllerServers, type Lab, ROUTES_TYPE, useLabHost, VS_TYPE } from "./support";

const POOL = "m1--default-web-TCP-80";
type Props = Record<string, unknown>;
type Json = Record<string, unknown>;

const pool = (lab: Lab) => lab.avi.objects("pool").find((p) => p.name === POOL) as Json;
const markers = (o: Json) =>
  ((o.markers ?? []) as { key: string; values: string[] }[]).map((m) => `${m.key}=${m.values.join()}`);
const records = (lab: Lab) =>
  lab.avi.objects("stringgroup").filter((o) => String(o.name).startsWith("m1--avi-k8s-routes-"));
const liveServers = (props: Props) =>
  Object.keys(
    Object.values(props.pools as Record<string, { servers: Record<string, string> }>)[0]?.servers ?? {},
  ).sort();

describe('sdk: membership "sync" through the dynamic-provider host', function () {
  this.timeout(60_000);
  const t = useLabHost();

  /** What `avi-k8s sync` does to the pool: replace its servers (here: drop one), as a separate writer. */
  async function syncDrops(ip: string): Promise<void> {
    const p = pool(t.lab);
    const servers = ((p.servers ?? []) as Json[])
      .filter((s) => (s.ip as { addr: string }).addr !== ip)
      .map((s) => ({ ip: (s.ip as { addr: string }).addr, port: Number(s.port), enabled: s.enabled !== false }));
    const r = await syncPoolMembers(
      t.lab.session(),
      { uuid: String(p.uuid), name: POOL, cluster: "m1", namespace: "default", service: "web" },
      servers,
    );
    assert.equal(r.written, true);
  }

  it("virtual service: no servers in the checked inputs, first create writes them, updates keep the sync's", async () => {
    const r = { type: VS_TYPE, name: "web" };
    const news = {
      __provider: t.vsCode,
      cluster: "m1",
      namespace: "default",
      service: "web",
      vip: { address: "10.10.10.51" },
      membership: "sync",
    };
    const checked = await t.host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    assert.deepEqual(checked.inputs.pools, { [POOL]: { protocol: "TCP", servicePort: 80 } }, "no servers: no churn");

    const created = await t.host.create({ ...r, properties: checked.inputs });
    assert.equal(controllerServers(t.lab, POOL).length, 4, "the first up writes the servers it resolved");
    assert.ok(markers(pool(t.lab)).includes("membership=sync"), markers(pool(t.lab)).join());
    assert.equal(liveServers(created.properties).length, 4, "the outputs show the live servers");
    assert.equal(created.properties.membership, "sync");

    // The sync takes web-a out; Kubernetes did not change, so check() resolves what it did before.
    await syncDrops("192.168.101.13");
    const again = await t.host.check({ ...r, olds: checked.inputs, news });
    const same = await t.host.diff({ ...r, id: created.id, olds: created.properties, news: again.inputs });
    assert.equal(same.changes, "none", "members the sync wrote are not a change for preview");
    const refreshed = await t.host.read({ ...r, id: created.id, properties: created.properties });
    assert.equal(refreshed.inputs, undefined, "refresh calls the sync's change no drift");
    assert.deepEqual(liveServers(refreshed.properties), [
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);

    // A setting changes while Kubernetes moved a pod the sync has not written yet: the update keeps the live servers.
    t.lab.kube.movePod("default", "web-b", "node2");
    const changed = await t.host.check({ ...r, olds: again.inputs, news: { ...news, healthMonitor: "System-Ping" } });
    const d = await t.host.diff({ ...r, id: created.id, olds: refreshed.properties, news: changed.inputs });
    assert.deepEqual([d.changes, d.replaces], ["some", []]);
    const updated = await t.host.update({ ...r, id: created.id, olds: refreshed.properties, news: changed.inputs });
    const ping = t.lab.avi.objects("healthmonitor").find((h) => h.name === "System-Ping");
    assert.ok(JSON.stringify(pool(t.lab).health_monitor_refs).includes(String(ping?.uuid)), "the setting changed");
    assert.deepEqual(controllerServers(t.lab, POOL), [
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);
    assert.deepEqual(liveServers(updated.properties), controllerServers(t.lab, POOL));

    // Back to "pulumi": the resource takes the servers back (what Kubernetes says now) and the marker goes.
    const pulumiNews = { ...news, healthMonitor: "System-Ping", membership: "pulumi" };
    const toPulumi = await t.host.check({ ...r, olds: changed.inputs, news: pulumiNews });
    assert.equal(Object.keys((Object.values(toPulumi.inputs.pools as Props)[0] as Props).servers as Props).length, 4);
    const d2 = await t.host.diff({ ...r, id: created.id, olds: updated.properties, news: toPulumi.inputs });
    assert.equal(d2.changes, "some");
    const asPulumi = await t.host.update({ ...r, id: created.id, olds: updated.properties, news: toPulumi.inputs });
    assert.equal(controllerServers(t.lab, POOL).length, 4);
    assert.ok(!controllerServers(t.lab, POOL).includes("192.168.101.22:8080"), "web-b moved: its old address went");
    assert.ok(!markers(pool(t.lab)).includes("membership=sync"));

    // And to "sync" again: the marker comes back, the servers stay.
    const toSync = await t.host.check({ ...r, olds: toPulumi.inputs, news: { ...pulumiNews, membership: "sync" } });
    const before = controllerServers(t.lab, POOL);
    await t.host.update({ ...r, id: created.id, olds: asPulumi.properties, news: toSync.inputs });
    assert.ok(markers(pool(t.lab)).includes("membership=sync"));
    assert.deepEqual(controllerServers(t.lab, POOL), before);

    await t.host.delete({ ...r, id: created.id, properties: asPulumi.properties });
    assert.equal(t.lab.avi.objects("pool").length, 0);
  });

  it("routes: no routes in the checked inputs, create writes them and the record, updates write the record only", async () => {
    const r = { type: ROUTES_TYPE, name: "routes" };
    const news = { __provider: t.routesCode, cluster: "m1", membership: "sync" };
    const checked = await t.host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.routes, undefined, "no routes: no churn in preview");
    const created = await t.host.create({ ...r, properties: checked.inputs });
    const ours = () => controllerRoutes(t.lab).filter((x) => x.endsWith("(clustername=m1)"));
    assert.equal(ours().length, 2, "the first up writes the routes it resolved");
    assert.deepEqual(
      records(t.lab).map((o) => o.name),
      ["m1--avi-k8s-routes-Default-Cloud-global"],
    );
    const kv = Object.fromEntries(
      ((records(t.lab)[0]?.kv ?? []) as { key: string; value: string }[]).map((e) => [e.key, e.value]),
    );
    assert.deepEqual(kv, {
      cluster: "m1",
      vrf: "global",
      cloud: "Default-Cloud",
      tenant: "admin",
      cni: "auto",
      nodeNetworks: "",
    });
    assert.deepEqual(Object.keys(created.properties.routes as Props).sort(), ["192.168.101.0/24", "192.168.102.0/24"]);

    // A new node: Kubernetes changed, but in sync mode preview shows nothing and an update leaves the routes alone.
    t.lab.kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    const again = await t.host.check({ ...r, olds: checked.inputs, news });
    const same = await t.host.diff({ ...r, id: created.id, olds: created.properties, news: again.inputs });
    assert.equal(same.changes, "none");
    const refreshed = await t.host.read({ ...r, id: created.id, properties: created.properties });
    assert.equal(refreshed.inputs, undefined);
    const withNetworks = await t.host.check({
      ...r,
      olds: again.inputs,
      news: { ...news, nodeNetworks: ["10.100.1.0/24"] },
    });
    const updated = await t.host.update({ ...r, id: created.id, olds: created.properties, news: withNetworks.inputs });
    assert.equal(ours().length, 2, "the update does not write routes in sync mode");
    assert.match(JSON.stringify(records(t.lab)[0]?.kv), /10\.100\.1\.0\/24/, "the record follows the settings");
    assert.equal(Object.keys(updated.properties.routes as Props).length, 2, "outputs: the live routes");

    // Back to "pulumi": the record goes, the routes follow the cluster.
    const toPulumi = await t.host.check({ ...r, olds: withNetworks.inputs, news: { ...news, membership: "pulumi" } });
    assert.equal(Object.keys(toPulumi.inputs.routes as Props).length, 3);
    const asPulumi = await t.host.update({ ...r, id: created.id, olds: updated.properties, news: toPulumi.inputs });
    assert.equal(records(t.lab).length, 0);
    assert.equal(ours().length, 3);

    // Older state (no membership at all) compares as "pulumi": nothing to update.
    const { membership: _m, ...oldState } = asPulumi.properties;
    const plain = await t.host.check({
      ...r,
      olds: toPulumi.inputs,
      news: { __provider: t.routesCode, cluster: "m1" },
    });
    const none = await t.host.diff({ ...r, id: created.id, olds: oldState, news: plain.inputs });
    assert.equal(none.changes, "none");

    // Delete removes the record too, whatever the state says.
    const toSync = await t.host.check({ ...r, olds: plain.inputs, news });
    const again2 = await t.host.update({ ...r, id: created.id, olds: asPulumi.properties, news: toSync.inputs });
    assert.equal(records(t.lab).length, 1);
    await t.host.delete({ ...r, id: created.id, properties: { ...again2.properties, membership: "pulumi" } });
    assert.equal(records(t.lab).length, 0);
    assert.equal(ours().length, 0);
    t.lab.kube.removeNode("node3");
  });

  it("shared VIP: its pools are the sync's, marked for the group, found under their member Service", async () => {
    const r = { type: "pulumi-nodejs:dynamic/avi-k8s:ClusterIpSharedVip", name: "front" };
    const SHARED = "m1--default-web-front-TCP-80";
    const news = {
      __provider: t.vsCode,
      cluster: "m1",
      namespace: "default",
      service: "front",
      members: [{ service: "web" }],
      vip: { address: "10.10.10.60" },
      membership: "sync",
    };
    const checked = await t.host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    assert.deepEqual(checked.inputs.pools, { [SHARED]: { protocol: "TCP", servicePort: 80 } }, "no servers: no churn");
    const created = await t.host.create({ ...r, properties: checked.inputs });
    const shared = () => t.lab.avi.objects("pool").find((p) => p.name === SHARED) as Json;
    assert.equal(controllerServers(t.lab, SHARED).length, 4, "the first up writes the servers it resolved");
    for (const m of ["membership=sync", "SharedVipKey=front", "ServiceName=front", "Namespace=default"]) {
      assert.ok(markers(shared()).includes(m), `${m} in ${markers(shared()).join()}`);
    }
    const found = (await listSyncPools(t.lab.session(), "m1")).find((p) => p.name === SHARED);
    assert.deepEqual(found && { ...found, uuid: "" }, {
      uuid: "",
      name: SHARED,
      namespace: "default",
      service: "web",
      sharedVip: "front",
    });

    // The sync takes a server out; preview shows nothing, and a changed setting keeps the sync's servers.
    const p = shared();
    const first = ((p.servers ?? []) as Json[])[0]?.ip as { addr: string };
    const keep = ((p.servers ?? []) as Json[])
      .filter((x) => (x.ip as { addr: string }).addr !== first.addr)
      .map((x) => ({ ip: (x.ip as { addr: string }).addr, port: Number(x.port), enabled: x.enabled !== false }));
    const w = await syncPoolMembers(t.lab.session(), { ...(found as NonNullable<typeof found>), cluster: "m1" }, keep);
    assert.equal(w.written, true);
    const again = await t.host.check({ ...r, olds: checked.inputs, news });
    const same = await t.host.diff({ ...r, id: created.id, olds: created.properties, news: again.inputs });
    assert.equal(same.changes, "none");
    const changed = await t.host.check({ ...r, olds: again.inputs, news: { ...news, healthMonitor: "System-Ping" } });
    const updated = await t.host.update({ ...r, id: created.id, olds: created.properties, news: changed.inputs });
    assert.equal(controllerServers(t.lab, SHARED).length, 3, "the update kept the sync's servers");
    assert.ok(markers(shared()).includes("membership=sync"));
    await t.host.delete({ ...r, id: created.id, properties: updated.properties });
    assert.equal(shared(), undefined);
  });

  it('refuses a membership that is neither "pulumi" nor "sync", naming the field', async () => {
    const checked = await t.host.check({
      type: VS_TYPE,
      name: "bad",
      news: {
        __provider: t.vsCode,
        cluster: "m1",
        service: "web",
        vip: { address: "10.10.10.52" },
        membership: "both",
      },
    });
    assert.deepEqual(
      checked.failures.map((f) => f.property),
      ["membership"],
    );
    assert.match(checked.failures[0]?.reason ?? "", /'both' is not "pulumi"/);
  });
});
