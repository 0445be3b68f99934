// The L4 settings on the controller: owned monitors, persistence profiles and the source-range policy written before
// what refers to them and deleted after; pool balancing and drain fields; a shared VIP's objects; a re-run that
// writes nothing. Against the Avi emulator, which validates these fields as the controller's models do.
import * as assert from "node:assert/strict";
import { applyVirtualService, deleteVirtualService, type VirtualServiceSpec } from "../../../provider/avi";
import { type L4Plan, planSharedPools, resolveL4 } from "../../../provider/plan";
import type { ServicePlacement } from "../../../provider/plan/types";
import { type Rig, seedService, seedSpec, startRig } from "./seed";

const POOL = "c1--default-web-TCP-80";
type Json = Record<string, unknown>;

/** With the cloud named, as the SDK always does: monitors, profiles and policies have no cloud_ref to filter on. */
function withL4(l4: L4Plan, svc = seedService()): VirtualServiceSpec {
  return { ...seedSpec("c1", svc), cloud: "Default-Cloud", l4 };
}

describe("provider/avi L4 settings against the Avi emulator", () => {
  let rig: Rig;
  const obj = (type: string, name: string) => rig.avi.objects(type).find((o) => o.name === name) as Json | undefined;
  const names = (type: string) =>
    rig.avi
      .objects(type)
      .map((o) => String(o.name))
      .filter((n) => n.startsWith("c1--"))
      .sort();
  const writes = (from: number) =>
    rig.avi
      .writes()
      .slice(from)
      .map((w) => `${w.method} ${w.path.split("/")[2]}`);
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it("writes monitor, persistence and policy before the pool and VS, each field as planned; a re-run writes nothing", async () => {
    const svc: ServicePlacement = { ...seedService(), sessionAffinity: { timeoutSeconds: 600 } };
    const r = resolveL4(
      [
        {
          service: svc,
          pools: seedSpec("c1", svc).pools,
          args: {
            healthMonitor: { type: "HTTP", path: "/healthz", interval: 5, timeout: 2, failedChecks: 3 },
            pool: {
              lbAlgorithm: "CONSISTENT_HASH",
              lbHash: "CUSTOM_HEADER",
              lbHashHeader: "X-User",
              gracefulDisableTimeout: 10,
              serverDisableType: "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT",
              minServersUp: 2,
            },
          },
          prefix: "",
        },
      ],
      { sourceRanges: ["10.20.0.0/16", "192.168.50.0/24"], fullClientLogs: true },
    );
    assert.deepEqual(r.failures, []);
    const before = rig.avi.writes().length;
    const res = await applyVirtualService(rig.session, withL4(r.plan, svc));
    assert.deepEqual(writes(before), [
      "POST healthmonitor",
      "POST applicationpersistenceprofile",
      "POST networksecuritypolicy",
      "POST vsvip",
      "POST pool",
      "POST virtualservice",
    ]);
    assert.equal(res.writes, 6);
    const hm = obj("healthmonitor", `${POOL}-HTTP`)!;
    assert.equal(hm.type, "HEALTH_MONITOR_HTTP");
    assert.deepEqual([hm.send_interval, hm.receive_timeout, hm.failed_checks, hm.successful_checks], [5, 2, 3, 2]);
    assert.deepEqual(hm.http_monitor, { http_request: "GET /healthz HTTP/1.0", http_response_code: ["HTTP_2XX"] });
    const pool = obj("pool", POOL)!;
    assert.deepEqual(pool.health_monitor_refs, [`/api/healthmonitor/${hm.uuid}`]);
    assert.equal(pool.lb_algorithm, "LB_ALGORITHM_CONSISTENT_HASH");
    assert.equal(pool.lb_algorithm_hash, "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER");
    assert.equal(pool.lb_algorithm_consistent_hash_hdr, "X-User");
    assert.deepEqual(
      [pool.graceful_disable_timeout, pool.server_disable_type, pool.min_servers_up],
      [10, "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT", 2],
    );
    const profile = obj("applicationpersistenceprofile", POOL)!;
    assert.equal(pool.application_persistence_profile_ref, `/api/applicationpersistenceprofile/${profile.uuid}`);
    assert.equal(profile.persistence_type, "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS");
    assert.deepEqual(profile.ip_persistence_profile, { ip_persistent_timeout: 10 });
    const nsp = obj("networksecuritypolicy", "c1--default-web")!;
    const rule = (nsp.rules as Json[])[0]!;
    assert.equal(rule.action, "NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY");
    assert.deepEqual((rule.match as Json).client_ip, {
      match_criteria: "IS_NOT_IN",
      prefixes: [
        { ip_addr: { addr: "10.20.0.0", type: "V4" }, mask: 16 },
        { ip_addr: { addr: "192.168.50.0", type: "V4" }, mask: 24 },
      ],
    });
    const vs = obj("virtualservice", "c1--default-web")!;
    assert.equal(vs.network_security_policy_ref, `/api/networksecuritypolicy/${nsp.uuid}`);
    assert.deepEqual(vs.analytics_policy, {
      full_client_logs: { enabled: true, duration: 30, throttle: 10 },
      client_insights: "NO_INSIGHTS",
      significant_log_throttle: 10,
      udf_log_throttle: 10,
    });
    const again = await applyVirtualService(rig.session, withL4(r.plan, svc));
    assert.equal(again.writes, 0, "a re-run writes nothing");
  });

  it("a new monitor type is a new monitor; settings removed go after nothing of ours refers to them", async () => {
    const plan = (monitor: "HTTP" | "TCP", extras: boolean): L4Plan => ({
      pools: {
        [POOL]: {
          healthMonitor: `${POOL}-${monitor}`,
          lbAlgorithm: "LEAST_CONNECTIONS",
          gracefulDisableTimeout: 1,
          ...(extras ? { persistence: POOL } : {}),
        },
      },
      healthMonitors: {
        [`${POOL}-${monitor}`]: { type: monitor, interval: 10, timeout: 4, failedChecks: 2, successfulChecks: 2 },
      },
      ...(extras ? { persistenceProfiles: { [POOL]: { clientIpTimeout: 180 } }, sourceRanges: ["10.0.0.0/8"] } : {}),
    });
    await applyVirtualService(rig.session, withL4(plan("HTTP", true)));
    // Someone's own monitor with a name like ours but without our markers is never touched.
    await rig.session.post("healthmonitor", { name: `${POOL}-PING`, type: "HEALTH_MONITOR_PING" });
    const before = rig.avi.writes().length;
    await applyVirtualService(rig.session, withL4(plan("TCP", false)));
    assert.deepEqual(writes(before), [
      "POST healthmonitor",
      "PUT pool",
      "PUT virtualservice",
      "DELETE healthmonitor",
      "DELETE applicationpersistenceprofile",
      "DELETE networksecuritypolicy",
    ]);
    assert.deepEqual(names("healthmonitor"), [`${POOL}-PING`, `${POOL}-TCP`]);
    assert.deepEqual(names("applicationpersistenceprofile"), []);
    assert.deepEqual(names("networksecuritypolicy"), []);
    const pool = obj("pool", POOL)!;
    assert.equal(pool.application_persistence_profile_ref, undefined);
    assert.equal(obj("virtualservice", "c1--default-web")!.network_security_policy_ref, undefined);

    const del = await deleteVirtualService(rig.session, withL4(plan("TCP", false)));
    assert.deepEqual(del.left, []);
    assert.deepEqual(names("healthmonitor"), [`${POOL}-PING`], "ours deleted, the foreign one kept");
    assert.deepEqual([...names("pool"), ...names("virtualservice"), ...names("vsvip")], []);
  });

  it("keeps a terminating pod's server disabled, with the drain fields the controller applies to it", async () => {
    const svc = seedService();
    const d = svc.ports[0]!.endpoints[3]!;
    svc.ports[0]!.endpoints[3] = { ...d, ready: false, serving: true, terminating: true };
    const spec = withL4(
      {
        pools: {
          [POOL]: {
            healthMonitor: "System-TCP",
            lbAlgorithm: "LEAST_CONNECTIONS",
            gracefulDisableTimeout: 2,
            serverDisableType: "DISALLOW_NEW_CONNECTION",
          },
        },
      },
      svc,
    );
    await applyVirtualService(rig.session, spec);
    const pool = obj("pool", POOL)!;
    const servers = (pool.servers as Json[]).map((s) => `${(s.ip as Json).addr} ${s.enabled}`);
    assert.deepEqual(servers, [
      "192.168.101.13 true",
      "192.168.101.22 true",
      "192.168.102.17 true",
      "192.168.102.36 false",
    ]);
    assert.deepEqual([pool.graceful_disable_timeout, pool.server_disable_type], [2, "DISALLOW_NEW_CONNECTION"]);
    // Gone from the slice: gone from the pool, the rest untouched.
    svc.ports[0]!.endpoints.pop();
    await applyVirtualService(rig.session, withL4(spec.l4!, svc));
    assert.equal((obj("pool", POOL)!.servers as Json[]).length, 3);
  });

  it("puts a shared VIP's Services on one VS and VsVip, and drops a member's pool when it leaves", async () => {
    const dns = (name: string, protocol: "TCP" | "UDP", ip: string): ServicePlacement => ({
      namespace: "default",
      name,
      ports: [
        {
          port: 53,
          protocol,
          targetPort: 53,
          endpoints: [{ ip, family: "ipv4", port: 53, node: "node1", ready: true, serving: true, terminating: false }],
        },
      ],
    });
    const members = [dns("dns-tcp", "TCP", "192.168.101.40"), dns("dns-udp", "UDP", "192.168.101.41")];
    const spec = (ms: ServicePlacement[]): VirtualServiceSpec => {
      const pools = ms.flatMap((m) => planSharedPools("c1", "dns", m));
      return {
        cluster: "c1",
        namespace: "default",
        service: "dns",
        sharedVip: "dns",
        vip: { address: "10.100.2.53" },
        ports: pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
        pools,
      };
    };
    await applyVirtualService(rig.session, spec(members));
    assert.deepEqual(names("pool"), ["c1--default-dns-tcp-dns-TCP-53", "c1--default-dns-udp-dns-UDP-53"]);
    const vs = obj("virtualservice", "c1--default-dns")!;
    assert.equal(names("vsvip").length, 1);
    assert.deepEqual(
      (vs.service_pool_select as Json[]).map((x) => `${x.service_port} ${x.service_protocol}`),
      ["53 PROTOCOL_TYPE_TCP_PROXY", "53 PROTOCOL_TYPE_UDP_FAST_PATH"],
    );
    assert.ok(
      (vs.markers as Json[]).some((m) => m.key === "SharedVipKey" && (m.values as string[])[0] === "dns"),
      "marked as the shared VIP dns",
    );
    // A Service named like the key cannot adopt the group's objects.
    await assert.rejects(
      applyVirtualService(rig.session, { ...spec(members), sharedVip: undefined }),
      /c1--default-dns.*not ours \(markers say cluster c1, shared VIP default\/dns/,
    );
    const before = rig.avi.writes().length;
    await applyVirtualService(rig.session, spec([members[1]!]));
    assert.deepEqual(writes(before), ["PUT virtualservice", "DELETE pool"]);
    assert.deepEqual(names("pool"), ["c1--default-dns-udp-dns-UDP-53"]);
    assert.equal(obj("vsvip", "c1--default-dns")?.name, "c1--default-dns", "the VIP stays while a member is left");
    await deleteVirtualService(rig.session, spec([members[1]!]));
    assert.deepEqual([...names("pool"), ...names("vsvip"), ...names("virtualservice")], []);
  });
});
