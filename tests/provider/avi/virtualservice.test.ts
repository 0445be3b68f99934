import * as assert from "node:assert/strict";
import {
  AviError,
  applyRoutes,
  applyVirtualService,
  deleteVirtualService,
  previewRoutes,
  previewVirtualService,
  readVirtualService,
  syncPoolServers,
} from "../../../provider/avi";
import { type Rig, SEED_PODS, seedRoutes, seedService, seedSpec, startRig, vrfRoutes } from "./seed";

const CLUSTER = "c1";

function serversOf(pool: Record<string, unknown>): string[] {
  return (pool.servers as { ip: { addr: string }; port: number }[]).map((s) => `${s.ip.addr}:${s.port}`).sort();
}

describe("provider/avi reconciler against the Avi emulator", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it("seed scenario: one VS, one VsVip, one pool of the 4 pods and the 2 routes, nothing else; a re-run writes nothing", async () => {
    const { avi, session } = rig;
    const spec = seedSpec(CLUSTER);
    const routes = await applyRoutes(session, { cluster: CLUSTER }, seedRoutes(CLUSTER));
    const vs = await applyVirtualService(session, spec);
    assert.equal(routes.writes, 1);
    assert.equal(vs.writes, 3);
    assert.deepEqual(
      avi.writes().map((w) => `${w.method} ${w.path.split("/")[2]}`),
      ["PUT vrfcontext", "POST vsvip", "POST pool", "POST virtualservice"],
    );
    const [vsObj, ...moreVs] = avi.objects("virtualservice");
    assert.equal(moreVs.length, 0);
    assert.equal(vsObj!.name, "c1--default-web");
    assert.equal(avi.objects("vsvip").length, 1);
    const pools = avi.objects("pool");
    assert.equal(pools.length, 1);
    assert.equal(pools[0]!.name, "c1--default-web-TCP-80");
    assert.deepEqual(
      serversOf(pools[0]!),
      SEED_PODS.map(([, ip]) => `${ip}:8080`),
    );
    const server = (pools[0]!.servers as Record<string, unknown>[]).find(
      (s) => (s.ip as { addr: string }).addr === "192.168.101.13",
    )!;
    assert.equal(server.server_node, "node1");
    assert.equal(server.external_uuid, "192.168.101.13:8080");
    assert.equal(server.enabled, true);
    for (const o of [vsObj!, pools[0]!, avi.objects("vsvip")[0]!]) {
      assert.deepEqual(
        (o.markers as { key: string }[]).map((m) => m.key),
        ["clustername", "Namespace", "ServiceName"],
      );
      assert.equal(o.created_by, "pulumi-avi-k8s-c1");
    }
    assert.deepEqual(
      vrfRoutes(avi).map(
        (r) =>
          `${(r.prefix as { ip_addr: { addr: string } }).ip_addr.addr} via ${(r.next_hop as { addr: string }).addr}`,
      ),
      ["192.168.101.0 via 10.100.1.101", "192.168.102.0 via 10.100.1.102"],
    );
    assert.equal(vs.state.vipAddress, "10.100.2.10");
    assert.equal(vs.state.pools[0]!.servers.length, 4);

    const before = avi.writes().length;
    const again = await applyRoutes(session, { cluster: CLUSTER }, seedRoutes(CLUSTER));
    const vsAgain = await applyVirtualService(session, spec);
    assert.equal(again.writes + vsAgain.writes, 0);
    assert.equal(avi.writes().length, before);
    assert.deepEqual(vsAgain.state, vs.state);
  });

  it("puts an IPv6 VIP in ip6_address (ip_address is IPv4 only) and reads its address back", async () => {
    const spec = { ...seedSpec(CLUSTER), vip: { address: "2001:db8::10" } };
    const { state } = await applyVirtualService(rig.session, spec);
    assert.equal(state.vipAddress, "2001:db8::10");
    const [vsvip] = rig.avi.objects("vsvip") as { vip: Record<string, unknown>[] }[];
    assert.deepEqual(vsvip.vip[0].ip6_address, { addr: "2001:db8::10", type: "V6" });
    assert.equal(vsvip.vip[0].ip_address, undefined);
  });

  it("previews read-only: what an apply would create, then nothing once applied", async () => {
    const { avi, session } = rig;
    const spec = seedSpec(CLUSTER);
    const first = await previewVirtualService(session, spec);
    const routeChange = await previewRoutes(session, { cluster: CLUSTER }, seedRoutes(CLUSTER));
    assert.equal(avi.writes().length, 0);
    assert.equal(first.exists, false);
    assert.deepEqual([first.vsvip, first.virtualService, first.pools[0]!.action], ["create", "create", "create"]);
    assert.equal(first.pools[0]!.add.length, 4);
    assert.equal(routeChange.add.length, 2);
    await applyRoutes(session, { cluster: CLUSTER }, seedRoutes(CLUSTER));
    await applyVirtualService(session, spec);
    const second = await previewVirtualService(session, spec);
    assert.deepEqual([second.vsvip, second.virtualService, second.pools[0]!.action], ["none", "none", "none"]);
    assert.equal(second.pools[0]!.unchanged.length, 4);
    assert.equal((await previewRoutes(session, { cluster: CLUSTER }, seedRoutes(CLUSTER))).unchanged.length, 2);
  });

  it("refuses to adopt an object of our name that another cluster's markers claim, naming it, before any write", async () => {
    const { avi, session } = rig;
    await session.post("pool", {
      name: "c1--default-web-TCP-80",
      markers: [{ key: "clustername", values: ["other"] }],
    });
    const writes = avi.writes().length;
    const err = await applyVirtualService(session, seedSpec(CLUSTER)).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, /pool c1--default-web-TCP-80/);
    assert.match(err.message, /cluster other/);
    assert.equal(avi.writes().length, writes);
  });

  it("adopts objects of ours left by an interrupted run instead of duplicating them", async () => {
    const { avi, session } = rig;
    const spec = seedSpec(CLUSTER);
    await applyVirtualService(session, spec);
    // Lose the VS only, as if the run had stopped before its last write.
    const vs = avi.objects("virtualservice")[0]!;
    await session.delete(`virtualservice/${String(vs.uuid)}`);
    const again = await applyVirtualService(session, spec);
    assert.equal(again.writes, 1);
    assert.equal(avi.objects("vsvip").length, 1);
    assert.equal(avi.objects("pool").length, 1);
    assert.equal(avi.objects("virtualservice").length, 1);
  });

  it("moves to a new port: new pool, VS updated, old pool deleted after the VS stops using it", async () => {
    const { avi, session } = rig;
    await applyVirtualService(session, seedSpec(CLUSTER));
    const svc = seedService();
    svc.ports[0]!.port = 8443;
    const moved = await applyVirtualService(session, seedSpec(CLUSTER, svc));
    assert.deepEqual(
      avi.objects("pool").map((p) => p.name),
      ["c1--default-web-TCP-8443"],
    );
    const vs = avi.objects("virtualservice")[0]!;
    assert.deepEqual(
      (vs.services as { port: number }[]).map((s) => s.port),
      [8443],
    );
    assert.equal(String(vs.pool_ref).endsWith(moved.state.pools[0]!.uuid), true);
    const log = avi.writes().slice(-3);
    assert.deepEqual(
      log.map((w) => `${w.method} ${w.path.split("/")[2]}`),
      ["POST pool", "PUT virtualservice", "DELETE pool"],
    );
  });

  it("maps each service port to its own pool and gives UDP its own profile and monitor", async () => {
    const { avi, session } = rig;
    const svc = seedService();
    svc.ports.push({ ...svc.ports[0]!, port: 53, protocol: "UDP", targetPort: 5353 });
    svc.ports[1]!.endpoints = svc.ports[1]!.endpoints.map((e) => ({ ...e, port: 5353 }));
    const res = await applyVirtualService(session, seedSpec(CLUSTER, svc));
    assert.equal(avi.objects("pool").length, 2);
    const vs = avi.objects("virtualservice")[0]!;
    const select = vs.service_pool_select as { service_port: number; service_pool_ref: string }[];
    assert.deepEqual(
      select.map((x) => [x.service_port, x.service_pool_ref.split("/").pop()]),
      res.state.pools.map((p) => [p.port, p.uuid]),
    );
    const udp = (vs.services as { port: number; override_network_profile_ref?: string }[]).find((s) => s.port === 53)!;
    const profile = avi
      .objects("networkprofile")
      .find((n) => String(udp.override_network_profile_ref).includes(String(n.uuid)));
    assert.equal(profile?.name, "System-UDP-Fast-Path");
    const udpPool = avi.objects("pool").find((p) => String(p.name).endsWith("UDP-53"))!;
    const hm = avi
      .objects("healthmonitor")
      .find((h) => String((udpPool.health_monitor_refs as string[])[0]).includes(String(h.uuid)));
    assert.equal(hm?.name, "System-UDP");
    assert.equal((await applyVirtualService(session, seedSpec(CLUSTER, svc))).writes, 0);
  });

  it("syncs pool members alone: one pool write, nothing created, then nothing to do", async () => {
    const { avi, session } = rig;
    await applyVirtualService(session, seedSpec(CLUSTER));
    const pods: [string, string, string][] = [...SEED_PODS.slice(0, 3), ["web-e", "192.168.102.40", "node2"]];
    const before = avi.writes().length;
    const res = await syncPoolServers(session, seedSpec(CLUSTER, seedService(8080, pods)));
    assert.equal(res.writes, 1);
    assert.deepEqual(
      avi
        .writes()
        .slice(before)
        .map((w) => `${w.method} ${w.path.split("/")[2]}`),
      ["PUT pool"],
    );
    assert.deepEqual(
      res.pools[0]!.add.map((s) => s.ip),
      ["192.168.102.40"],
    );
    assert.deepEqual(
      res.pools[0]!.remove.map((s) => s.ip),
      ["192.168.102.36"],
    );
    assert.deepEqual(serversOf(avi.objects("pool")[0]!), [...pods.map(([, ip]) => `${ip}:8080`)].sort());
    assert.equal((await syncPoolServers(session, seedSpec(CLUSTER, seedService(8080, pods)))).writes, 0);
    const missing = await syncPoolServers(session, seedSpec("c2"));
    assert.equal(missing.pools[0]!.missing, true);
    assert.equal(avi.objects("pool").length, 1);
  });

  it("reads the state back and deletes VS before VsVip and pool; a second delete finds nothing", async () => {
    const { avi, session } = rig;
    const spec = seedSpec(CLUSTER);
    const applied = await applyVirtualService(session, spec);
    assert.deepEqual(await readVirtualService(session, spec), applied.state);
    const before = avi.writes().length;
    const gone = await deleteVirtualService(session, spec);
    assert.equal(gone.deleted, 3);
    assert.deepEqual(
      avi
        .writes()
        .slice(before)
        .map((w) => `${w.method} ${w.path.split("/")[2]}`),
      ["DELETE virtualservice", "DELETE vsvip", "DELETE pool"],
    );
    for (const t of ["virtualservice", "vsvip", "pool"]) assert.equal(avi.objects(t).length, 0, t);
    assert.equal(await readVirtualService(session, spec), undefined);
    assert.equal((await deleteVirtualService(session, spec)).deleted, 0);
  });

  it("a delete reports what the controller refused (still referenced) after deleting the rest, and throws on an expired session", async () => {
    const { avi, session } = rig;
    const spec = seedSpec(CLUSTER);
    await applyVirtualService(session, spec);
    const referenced = '{"error":"Cannot delete, object is referred by: [\'virtualservice other\']"}';
    avi.faults.failNext({ kind: "status", status: 409, body: referenced }, 1, { methods: ["DELETE"], path: /vsvip/ });
    const res = await deleteVirtualService(session, spec);
    assert.deepEqual(
      res.left.map((l) => l.object.split(" (")[0]),
      ["vsvip c1--default-web"],
    );
    assert.match(res.left[0]!.reason, /refused with HTTP 409: Cannot delete, object is referred by/);
    assert.equal(res.deleted, 2, "the VS and the pool went");
    // A session the controller keeps rejecting is no refusal: the delete fails and the next run finishes it.
    avi.faults.failNext({ kind: "sessionDrop", status: 401 }, 2, { methods: ["DELETE"] });
    const err = await deleteVirtualService(session, spec).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 401);
    assert.equal((await deleteVirtualService(session, spec)).left.length, 0);
    assert.equal(avi.objects("vsvip").length, 0);
  });

  it("fails when the SE group is labelled for another cluster, or warns when asked to", async () => {
    const { avi, session } = rig;
    const seg = avi.objects("serviceenginegroup").find((g) => g.name === "Default-Group")!;
    await session.put(`serviceenginegroup/${String(seg.uuid)}`, {
      ...seg,
      labels: [{ key: "clustername", value: "c9" }],
    });
    const err = await applyVirtualService(session, seedSpec(CLUSTER)).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, /SE group Default-Group is labelled clustername=c9/);
    assert.equal(avi.objects("virtualservice").length, 0);
    const warned = await applyVirtualService(session, { ...seedSpec(CLUSTER), seGroupPolicy: "warn" });
    assert.equal(warned.warnings.length, 1);
    assert.equal(avi.objects("virtualservice").length, 1);
  });
});
