import * as assert from "node:assert/strict";
import {
  buildPool,
  buildVirtualService,
  buildVsVip,
  cookieHeader,
  routeFromAvi,
  routeToAvi,
  updateCookies,
} from "../../../provider/avi";
import { covers, refMatches } from "../../../provider/avi/refs";
import { seedSpec } from "./seed";

describe("provider/avi builders", () => {
  it("builds a static VIP, an IPAM auto-allocated VIP, and an auto VIP without a network", () => {
    const spec = seedSpec("c1");
    assert.deepEqual((buildVsVip(spec, "c1--default-web").vip as unknown[])[0], {
      vip_id: "0",
      ip_address: { addr: "10.100.2.10", type: "V4" },
    });
    const ipam = buildVsVip({ ...spec, vip: { network: "vip-net", subnet: "10.20.0.0/24" }, vrf: "blue" }, "v");
    assert.deepEqual((ipam.vip as unknown[])[0], {
      vip_id: "0",
      auto_allocate_ip: true,
      ipam_network_subnet: {
        network_ref: "/api/network?name=vip-net",
        subnet: { ip_addr: { addr: "10.20.0.0", type: "V4" }, mask: 24 },
      },
    });
    assert.equal(ipam.vrf_context_ref, "/api/vrfcontext?name=blue");
    assert.deepEqual((buildVsVip({ ...spec, vip: {} }, "v").vip as unknown[])[0], {
      vip_id: "0",
      auto_allocate_ip: true,
    });
  });

  it("builds pools with per-server ports, node and external_uuid, sorted, and honours configured profiles", () => {
    const spec = { ...seedSpec("c1"), seGroup: "seg-c1", cloud: "vc", healthMonitor: "hm-custom" };
    const pool = spec.pools[0]!;
    const body = buildPool(spec, { ...pool, servers: [...pool.servers].reverse() });
    const servers = body.servers as {
      ip: { addr: string };
      port: number;
      server_node: string;
      external_uuid: string;
    }[];
    assert.deepEqual(
      servers.map((s) => s.ip.addr),
      ["192.168.101.13", "192.168.101.22", "192.168.102.17", "192.168.102.36"],
    );
    assert.equal(servers[0]!.external_uuid, "192.168.101.13:8080");
    assert.equal(servers[0]!.server_node, "node1");
    assert.deepEqual(body.health_monitor_refs, ["/api/healthmonitor?name=hm-custom"]);
    assert.equal(body.cloud_ref, "/api/cloud?name=vc");
    const vs = buildVirtualService(spec, "c1--default-web", "vsvip-1", [{ port: 80, protocol: "TCP", uuid: "pool-1" }]);
    assert.equal(vs.application_profile_ref, "/api/applicationprofile?name=System-L4-Application");
    assert.equal(vs.network_profile_ref, "/api/networkprofile?name=System-TCP-Proxy");
    assert.equal(vs.se_group_ref, "/api/serviceenginegroup?name=seg-c1");
    assert.equal(vs.pool_ref, "/api/pool/pool-1");
    assert.equal(vs.service_pool_select, undefined);
  });

  it("converts routes both ways, IPv6 included, with our label in the one label slot", () => {
    const desired = {
      routeId: "c1-fd00.10.244.1..-64",
      prefix: "fd00:10:244:1::/64",
      nextHop: "fd00::101",
      node: "n1",
      family: "ipv6" as const,
    };
    const avi = routeToAvi("c1", desired);
    assert.deepEqual(avi, {
      route_id: "c1-fd00.10.244.1..-64",
      prefix: { ip_addr: { addr: "fd00:10:244:1::", type: "V6" }, mask: 64 },
      next_hop: { addr: "fd00::101", type: "V6" },
      labels: [{ key: "clustername", value: "c1" }],
    });
    assert.deepEqual(routeFromAvi(avi), {
      routeId: desired.routeId,
      prefix: desired.prefix,
      nextHop: desired.nextHop,
      labels: [{ key: "clustername", value: "c1" }],
    });
  });

  it("compares controller refs with our name and uuid refs, and ignores fields we do not set", () => {
    assert.ok(
      refMatches("https://h/api/healthmonitor/healthmonitor-1#System-TCP", "/api/healthmonitor?name=System-TCP"),
    );
    assert.ok(
      !refMatches("https://h/api/healthmonitor/healthmonitor-1#System-UDP", "/api/healthmonitor?name=System-TCP"),
    );
    assert.ok(refMatches("https://h/api/pool/pool-1", "/api/pool/pool-1"));
    assert.ok(!refMatches("https://h/api/pool/pool-2#p", "/api/pool/pool-1"));
    const actual = { name: "p", enabled: true, health_monitor_refs: ["https://h/api/healthmonitor/hm-1#System-TCP"] };
    assert.ok(covers(actual, { name: "p", health_monitor_refs: ["/api/healthmonitor?name=System-TCP"] }));
    assert.ok(!covers(actual, { name: "p", enabled: false }));
  });

  it("keeps session cookies from Set-Cookie by hand: Secure ignored, the newest value wins, 'None' never replaces a session", () => {
    let c = updateCookies({}, [
      "csrftoken=aaa; Max-Age=31449600; Path=/; Secure",
      "avi-sessionid=s1; HttpOnly; Path=/; Secure",
      "sessionid=s1; HttpOnly; Path=/; Secure",
    ]);
    assert.equal(cookieHeader(c), "csrftoken=aaa; sessionid=s1; avi-sessionid=s1");
    c = updateCookies(c, ["avi-sessionid=s2; HttpOnly; Path=/; Secure"]);
    c = updateCookies(c, ["avi-sessionid=None; Path=/"]);
    assert.equal(cookieHeader(c), "csrftoken=aaa; sessionid=s2; avi-sessionid=s2");
  });
});
