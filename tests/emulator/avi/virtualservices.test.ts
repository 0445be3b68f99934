import * as assert from "node:assert/strict";
import { login, type Session, useEmulator } from "./http";
import { assertRefused, creates, refuses } from "./rules";

const L4 = "/api/applicationprofile?name=System-L4-Application";
const UDP = "/api/networkprofile?name=System-UDP-Fast-Path";

describe("Avi emulator: virtual service services, pool selection, analytics and shared VsVips", () => {
  const emu = useEmulator();
  let s: Session;
  let n = 0;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk dynamic JSON.
  const vip = async (addr: string): Promise<any> =>
    creates(s, "vsvip", { name: `vip-${addr}-${n++}`, vip: [{ ip_address: { addr, type: "V4" } }] });
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "30.2.1" });
  });

  it("fills full_client_logs defaults (30 min, 10/s) only when analytics_policy is sent", async () => {
    const v = await vip("10.10.10.80");
    const logged = await creates(s, "virtualservice", {
      name: "logged",
      vsvip_ref: v.url,
      services: [{ port: 80 }],
      application_profile_ref: L4,
      analytics_policy: { full_client_logs: { enabled: true } },
    });
    assert.deepEqual(logged.analytics_policy.full_client_logs, { enabled: true, duration: 30, throttle: 10 });
    assert.equal(logged.analytics_policy.client_insights, "NO_INSIGHTS");
    const v2 = await vip("10.10.10.81");
    const plain = await creates(s, "virtualservice", {
      name: "plain",
      vsvip_ref: v2.url,
      services: [{ port: 80 }],
      application_profile_ref: L4,
    });
    assert.equal(
      plain.analytics_policy,
      undefined,
      "a recorded VS created without analytics_policy reads back without one",
    );
  });

  it("refuses full_client_logs without enabled, a negative duration, an unknown client_insights", async () => {
    const v = await vip("10.10.10.82");
    const base = { vsvip_ref: v.url, services: [{ port: 80 }], application_profile_ref: L4 };
    await refuses(
      s,
      "virtualservice",
      { name: "fcl-1", ...base, analytics_policy: { full_client_logs: { duration: 0 } } },
      /Field analytics_policy.full_client_logs.enabled is required/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "fcl-2", ...base, analytics_policy: { full_client_logs: { enabled: true, duration: -1 } } },
      /Invalid value -1 for field analytics_policy.full_client_logs.duration/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "fcl-3", ...base, analytics_policy: { full_client_logs: { enabled: "on" } } },
      /field analytics_policy.full_client_logs.enabled: expected true or false/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "fcl-4", ...base, analytics_policy: { client_insights: "ALL" } },
      /field analytics_policy.client_insights: allowed values are NO_INSIGHTS, PASSIVE, ACTIVE/,
    );
  });

  it("application_profile_ref, network_profile_ref and override refs must exist and be of their type", async () => {
    const v = await vip("10.10.10.83");
    const base = { vsvip_ref: v.url, services: [{ port: 80 }] };
    await refuses(
      s,
      "virtualservice",
      { name: "ap", ...base, application_profile_ref: "/api/applicationprofile?name=Custom-L4" },
      /ApplicationProfile object not found/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "np", ...base, network_profile_ref: "/api/networkprofile?name=Custom-TCP" },
      /NetworkProfile object not found/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "np-type", ...base, network_profile_ref: L4 },
      /NetworkProfile object not found/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "ov", ...base, services: [{ port: 53, override_network_profile_ref: "/api/networkprofile?name=nope" }] },
      /NetworkProfile object not found/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "ov-type", ...base, services: [{ port: 53, override_network_profile_ref: L4 }] },
      /NetworkProfile object not found/,
    );
  });

  it("serves DNS on 53/TCP and 53/UDP from one VS with a UDP override, each port to its own pool", async () => {
    const v = await vip("10.10.10.53");
    const tcp = await creates(s, "pool", {
      name: "dns-TCP-53",
      health_monitor_refs: ["/api/healthmonitor?name=System-TCP"],
    });
    const udp = await creates(s, "pool", {
      name: "dns-UDP-53",
      health_monitor_refs: ["/api/healthmonitor?name=System-UDP"],
    });
    const vs = await creates(s, "virtualservice", {
      name: "dns",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      network_profile_ref: "/api/networkprofile?name=System-TCP-Proxy",
      services: [{ port: 53 }, { port: 53, override_network_profile_ref: UDP }],
      service_pool_select: [
        { service_port: 53, service_protocol: "PROTOCOL_TYPE_TCP_PROXY", service_pool_ref: tcp.url },
        { service_port: 53, service_protocol: "PROTOCOL_TYPE_UDP_FAST_PATH", service_pool_ref: udp.url },
      ],
    });
    assert.equal(vs.services.length, 2);
    assert.match(vs.services[1].override_network_profile_ref, /#System-UDP-Fast-Path$/);
    assert.match(vs.service_pool_select[1].service_pool_ref, /#dns-UDP-53$/);
  });

  it("refuses two services of one protocol on one port, and overlapping port ranges", async () => {
    const v = await vip("10.10.10.84");
    const base = { vsvip_ref: v.url, application_profile_ref: L4 };
    await refuses(
      s,
      "virtualservice",
      { name: "dup", ...base, services: [{ port: 53 }, { port: 53 }] },
      /services 53\/TCP and 53\/TCP overlap/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "range", ...base, services: [{ port: 80, port_range_end: 90 }, { port: 85 }] },
      /services 80-90\/TCP and 85\/TCP overlap/,
    );
    await refuses(
      s,
      "virtualservice",
      {
        name: "udp2",
        ...base,
        services: [
          { port: 53, override_network_profile_ref: UDP },
          { port: 53, override_network_profile_ref: UDP },
        ],
      },
      /53\/UDP and 53\/UDP overlap/,
    );
  });

  it("checks service_pool_select: protocol enum, port 1-65535, pools that exist and share the VS's VRF", async () => {
    const v = await vip("10.10.10.85");
    const p = await creates(s, "pool", { name: "sps-pool" });
    const base = { vsvip_ref: v.url, application_profile_ref: L4, services: [{ port: 53 }] };
    const sps = (x: object) => ({
      ...base,
      service_pool_select: [{ service_port: 53, service_pool_ref: p.url, ...x }],
    });
    await refuses(
      s,
      "virtualservice",
      { name: "sps-proto", ...sps({ service_protocol: "PROTOCOL_TYPE_UDP" }) },
      /Invalid value PROTOCOL_TYPE_UDP for field service_pool_select\[0\].service_protocol: allowed values are PROTOCOL_TYPE_TCP_PROXY, PROTOCOL_TYPE_TCP_FAST_PATH, PROTOCOL_TYPE_UDP_FAST_PATH, /,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "sps-port", ...sps({ service_port: 0 }) },
      /field service_pool_select\[0\].service_port: allowed values are 1-65535/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "sps-noport", ...base, service_pool_select: [{ service_pool_ref: p.url }] },
      /Field service_pool_select\[0\].service_port is required/,
    );
    await refuses(
      s,
      "virtualservice",
      { name: "sps-missing", ...sps({ service_pool_ref: "/api/pool?name=nope" }) },
      /Pool object not found/,
    );
    const mgmt = await creates(s, "pool", { name: "sps-mgmt", vrf_ref: "/api/vrfcontext?name=management" });
    await refuses(
      s,
      "virtualservice",
      { name: "sps-vrf", ...sps({ service_pool_ref: mgmt.url }) },
      /VRF Context for sps-vrf and pool sps-mgmt different/,
    );
  });

  it("lets several virtual services share one VsVip on distinct ports or protocols, and refuses a port taken there", async () => {
    const v = await vip("10.10.10.86");
    const a = await creates(s, "virtualservice", {
      name: "shared-tcp",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      services: [{ port: 53 }],
    });
    const b = await creates(s, "virtualservice", {
      name: "shared-udp",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      network_profile_ref: UDP,
      services: [{ port: 53 }],
    });
    await creates(s, "virtualservice", {
      name: "shared-web",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      services: [{ port: 80 }],
    });
    const back = (await s.call("GET", `/api/vsvip/${v.uuid}`)).json;
    assert.deepEqual(
      back.vs_refs.map((r: string) => r.split("/").pop()).sort(),
      [a.uuid, b.uuid, (await s.call("GET", "/api/virtualservice?name=shared-web")).json.results[0].uuid].sort(),
    );
    await refuses(
      s,
      "virtualservice",
      {
        name: "shared-clash",
        vsvip_ref: v.url,
        application_profile_ref: L4,
        services: [{ port: 50, port_range_end: 60 }],
      },
      /port 50-60\/TCP is already used on VsVip vip-10.10.10.86-\d+ by virtual service shared-tcp/,
    );
    const again = await s.call("PUT", `/api/virtualservice/${a.uuid}`, { ...a, description: "unchanged ports" });
    assert.equal(again.status, 200, "a VS does not clash with itself");
    assertRefused(
      await s.call("PATCH", `/api/virtualservice/${a.uuid}`, { replace: { services: [{ port: 80 }] } }),
      /port 80\/TCP is already used on VsVip .* by virtual service shared-web/,
    );
    assertRefused(await s.call("DELETE", `/api/vsvip/${v.uuid}`), /Cannot delete, object is referred by/, 403);
  });

  it("refuses to change, add or remove the static address of a VsVip a virtual service uses; an unused one may change", async () => {
    const v = await vip("10.10.10.88");
    await creates(s, "virtualservice", {
      name: "pinned",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      services: [{ port: 80 }],
    });
    const moved = { ...v, vip: [{ ...v.vip[0], ip_address: { addr: "10.10.10.89", type: "V4" } }] };
    assertRefused(
      await s.call("PUT", `/api/vsvip/${v.uuid}`, moved),
      /preferred address of vip 0 cannot be changed while virtual service pinned uses it/,
    );
    const { ip_address: _gone, ...rest } = v.vip[0];
    assertRefused(
      await s.call("PUT", `/api/vsvip/${v.uuid}`, { ...v, vip: [{ ...rest, auto_allocate_ip: true }] }),
      /cannot be changed while virtual service pinned uses it/,
    );
    const same = await s.call("PUT", `/api/vsvip/${v.uuid}`, { ...v, description: "address kept" });
    assert.equal(same.status, 200, "other fields of a used VsVip may change");
    const free = await vip("10.10.10.90");
    const changed = await s.call("PUT", `/api/vsvip/${free.uuid}`, {
      ...free,
      vip: [{ ...free.vip[0], ip_address: { addr: "10.10.10.91", type: "V4" } }],
    });
    assert.equal(changed.status, 200, "no virtual service uses it");
  });

  it("refuses l4_policies naming a policy set that does not exist, or without its index", async () => {
    const v = await vip("10.10.10.87");
    const base = { vsvip_ref: v.url, application_profile_ref: L4, services: [{ port: 80 }] };
    await refuses(
      s,
      "virtualservice",
      { name: "l4p-missing", ...base, l4_policies: [{ index: 0, l4_policy_set_ref: "/api/l4policyset?name=nope" }] },
      /L4PolicySet object not found/,
    );
    await creates(s, "l4policyset", { name: "l4p" });
    await refuses(
      s,
      "virtualservice",
      { name: "l4p-index", ...base, l4_policies: [{ l4_policy_set_ref: "/api/l4policyset?name=l4p" }] },
      /Field l4_policies\[0\].index is required/,
    );
    const vs = await creates(s, "virtualservice", {
      name: "l4p-ok",
      ...base,
      l4_policies: [{ index: 0, l4_policy_set_ref: "/api/l4policyset/?name=l4p" }],
    });
    assert.match(vs.l4_policies[0].l4_policy_set_ref, /l4policyset-.+#l4p$/);
  });

  it('treats an empty ref as unset, as AKO\'s error_page_profile_ref "" needs', async () => {
    const v = await vip("10.10.10.88");
    const vs = await creates(s, "virtualservice", {
      name: "empty-ref",
      vsvip_ref: v.url,
      application_profile_ref: L4,
      services: [{ port: 80 }],
      error_page_profile_ref: "",
    });
    assert.equal(vs.error_page_profile_ref, undefined);
  });
});
