import * as assert from "node:assert/strict";
import { login, type Session, useEmulator, uuidOf } from "./http";

describe("Avi emulator: objects, refs, lists and integrity", () => {
  const emu = useEmulator();
  let s: Session;
  before(async () => {
    s = await login(emu());
  });

  it("§11.15 POST /api/pool returns 201 with Location, a pool- uuid, _last_modified and the defaults", async () => {
    const r = await s.call("POST", "/api/pool", { name: "p15" });
    assert.equal(r.status, 201);
    assert.match(r.json.uuid, /^pool-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(r.headers.location, `${emu().url}/api/pool/${r.json.uuid}#p15`);
    assert.equal(r.json.url, `${emu().url}/api/pool/${r.json.uuid}#p15`);
    assert.match(r.json._last_modified, /^\d{16}$/);
    assert.equal(r.json.default_server_port, 80);
    assert.equal(r.json.lb_algorithm, "LB_ALGORITHM_LEAST_CONNECTIONS");
    assert.equal(r.json.enabled, true);
    assert.match(r.json.vrf_ref, /\/api\/vrfcontext\/vrfcontext-.+#global$/);
    assert.match(r.json.cloud_ref, /\/api\/cloud\/cloud-.+#Default-Cloud$/);
    assert.equal(r.json.tenant_ref, `${emu().url}/api/tenant/admin#admin`);
  });

  it("§11.16 the Slug header forces the uuid", async () => {
    const r = await s.call("POST", "/api/pool", { name: "p16" }, { Slug: "pool-force-42" });
    assert.equal(r.status, 201);
    assert.equal(r.json.uuid, "pool-force-42");
    assert.equal((await s.call("GET", "/api/pool/pool-force-42")).json.name, "p16");
  });

  it("§11.17 a second POST with the same name in the same tenant is 409 already exists", async () => {
    assert.equal((await s.call("POST", "/api/pool", { name: "p17" })).status, 201);
    const again = await s.call("POST", "/api/pool", { name: "p17" });
    assert.equal(again.status, 409);
    assert.match(again.json.error, /already exist/);
    assert.equal(
      emu()
        .objects("pool")
        .filter((p) => p.name === "p17").length,
      1,
    );
  });

  it("§11.18 GET ?name= of an absent object is 200 with count 0", async () => {
    const r = await s.call("GET", "/api/pool?name=absent");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { count: 0, results: [] });
  });

  it("§11.19 GET of a missing uuid is 404 Pool object not found", async () => {
    const r = await s.call("GET", "/api/pool/pool-nonexistent");
    assert.equal(r.status, 404);
    assert.match(r.json.error, /Pool object not found/);
  });

  it("§11.20 refs carry #name only with include_name=true; fields= keeps only name, uuid, url and those fields", async () => {
    await s.call("POST", "/api/pool", { name: "p20" });
    const plain = await s.call("GET", "/api/pool?name=p20");
    assert.doesNotMatch(plain.json.results[0].cloud_ref, /#/);
    assert.doesNotMatch(plain.json.results[0].url, /#/);
    const named = await s.call("GET", "/api/pool?name=p20&include_name=true");
    assert.match(named.json.results[0].cloud_ref, /#Default-Cloud$/);
    const fields = await s.call("GET", "/api/pool?name=p20&fields=name");
    assert.deepEqual(Object.keys(fields.json.results[0]).sort(), ["name", "url", "uuid"]);
    const two = await s.call("GET", "/api/pool?name=p20&fields=enabled,vrf_ref");
    assert.deepEqual(Object.keys(two.json.results[0]).sort(), ["enabled", "name", "url", "uuid", "vrf_ref"]);
  });

  it("§11.21 lists page by 25 with an absolute next URL; page_size 1..200", async () => {
    for (let i = 0; i < 30; i++) {
      assert.equal((await s.call("POST", "/api/pool", { name: `page-${String(i).padStart(2, "0")}` })).status, 201);
    }
    const first = await s.call("GET", "/api/pool?name.contains=page-");
    assert.equal(first.json.count, 30);
    assert.equal(first.json.results.length, 25);
    const next = new URL(first.json.next);
    assert.equal(next.origin, emu().url);
    assert.equal(next.searchParams.get("page"), "2");
    assert.equal(next.searchParams.get("name.contains"), "page-");
    const second = await s.call("GET", `${next.pathname}${next.search}`);
    assert.equal(second.json.results.length, 5);
    assert.equal(second.json.next, undefined);
    const names = [...first.json.results, ...second.json.results].map((p: { name: string }) => p.name);
    assert.equal(new Set(names).size, 30, "every pool exactly once across pages");
    const one = await s.call("GET", "/api/pool?name.contains=page-&page_size=1&page=1");
    assert.equal(one.json.results.length, 1);
    assert.ok(one.json.next);
    assert.equal((await s.call("GET", "/api/pool?page_size=201")).status, 400);
    assert.equal((await s.call("GET", "/api/pool?page_size=200")).status, 200);
  });

  it("§11.22 refs are accepted as full URL, path, ?name= forms and bare uuid, and rendered as full URLs", async () => {
    const global = (await s.call("GET", "/api/vrfcontext?name=global")).json.results[0];
    const forms = [
      `${global.url}#global`,
      `/api/vrfcontext/${global.uuid}`,
      "/api/vrfcontext?name=global",
      "/api/vrfcontext/?name=global",
      global.uuid,
    ];
    for (const [i, ref] of forms.entries()) {
      const r = await s.call("POST", "/api/vsvip", {
        name: `ref-form-${i}`,
        vrf_context_ref: ref,
        vip: [{ ip_address: { addr: `10.0.9.${i + 1}`, type: "V4" } }],
      });
      assert.equal(r.status, 201, `form ${ref}`);
      assert.equal(r.json.vrf_context_ref, `${emu().url}/api/vrfcontext/${global.uuid}#global`);
    }
  });

  it("§11.23 a ref to a missing object is 400 <Model> object not found", async () => {
    const r = await s.call("POST", "/api/vsvip", {
      name: "bad-ref",
      vrf_context_ref: "/api/vrfcontext?name=nope",
      vip: [{ ip_address: { addr: "10.0.0.9", type: "V4" } }],
    });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /VrfContext object not found/);
    const byUuid = await s.call("POST", "/api/pool", {
      name: "bad-ref-pool",
      vrf_ref: "/api/vrfcontext/vrfcontext-gone",
    });
    assert.equal(byUuid.status, 400);
    assert.match(byUuid.json.error, /VrfContext object not found/);
  });

  it("§11.24 POST vsvip assigns vip_id 0 and fills the vip defaults", async () => {
    const r = await s.call("POST", "/api/vsvip", {
      name: "v24",
      vip: [{ ip_address: { addr: "10.0.0.1", type: "V4" } }],
    });
    assert.equal(r.status, 201);
    assert.equal(r.json.vip[0].vip_id, "0");
    assert.equal(r.json.vip[0].prefix_length, 32);
    assert.equal(r.json.vip[0].auto_allocate_ip, false);
    assert.match(r.json.vrf_context_ref, /#global$/);
  });

  it("keeps VIP families apart as the Vip model does: IPv6 in ip_address is 400, in ip6_address 201", async () => {
    const wrong = await s.call("POST", "/api/vsvip", {
      name: "v6-wrong",
      vip: [{ ip_address: { addr: "2001:db8::10", type: "V6" } }],
    });
    assert.equal(wrong.status, 400);
    assert.match(JSON.stringify(wrong.json), /ip6_address/);
    const right = await s.call("POST", "/api/vsvip", {
      name: "v6-right",
      vip: [{ ip6_address: { addr: "2001:db8::10", type: "V6" } }],
    });
    assert.equal(right.status, 201);
    assert.equal(right.json.vip[0].ip6_address.addr, "2001:db8::10");
  });

  it("§11.25 POST virtualservice fills defaults and the vsvip then lists it in vs_refs", async () => {
    const pool = await s.call("POST", "/api/pool", { name: "p25" });
    const vip = await s.call("POST", "/api/vsvip", {
      name: "v25",
      vip: [{ ip_address: { addr: "10.0.0.25", type: "V4" } }],
    });
    const vs = await s.call("POST", "/api/virtualservice", {
      name: "vs25",
      vsvip_ref: vip.json.url,
      pool_ref: `/api/pool?name=p25`,
      services: [{ port: 80 }],
    });
    assert.equal(vs.status, 201);
    assert.match(vs.json.application_profile_ref, /#System-HTTP$/);
    assert.match(vs.json.network_profile_ref, /#System-TCP-Proxy$/);
    assert.match(vs.json.se_group_ref, /#Default-Group$/);
    assert.match(vs.json.vrf_context_ref, /#global$/);
    assert.equal(vs.json.services[0].port_range_end, 80);
    assert.equal(vs.json.pool_ref, pool.json.url);
    const again = await s.call("GET", `/api/vsvip/${vip.json.uuid}`);
    assert.deepEqual(again.json.vs_refs, [`${emu().url}/api/virtualservice/${vs.json.uuid}`]);
  });

  it("§11.26 a VS whose pool is in another VRF is 400 VRF Context ... different", async () => {
    const vrf = await s.call("POST", "/api/vrfcontext", { name: "blue" });
    assert.equal(vrf.status, 201);
    await s.call("POST", "/api/pool", { name: "p26", vrf_ref: "/api/vrfcontext?name=blue" });
    const vip = await s.call("POST", "/api/vsvip", {
      name: "v26",
      vip: [{ ip_address: { addr: "10.0.0.26", type: "V4" } }],
    });
    const vs = await s.call("POST", "/api/virtualservice", {
      name: "vs26",
      vsvip_ref: vip.json.url,
      pool_ref: "/api/pool?name=p26",
      services: [{ port: 80 }],
    });
    assert.equal(vs.status, 400);
    assert.equal(vs.json.error, "VRF Context for vs26 and pool p26 different");
  });

  it("§11.27 deleting a pool a VS uses is 403 referred by; after the VS is gone it is 204", async () => {
    const pool = await s.call("POST", "/api/pool", { name: "p27" });
    const vip = await s.call("POST", "/api/vsvip", {
      name: "v27",
      vip: [{ ip_address: { addr: "10.0.0.27", type: "V4" } }],
    });
    const vs = await s.call("POST", "/api/virtualservice", {
      name: "vs27",
      vsvip_ref: vip.json.url,
      pool_ref: pool.json.url,
      services: [{ port: 80 }],
    });
    const blocked = await s.call("DELETE", `/api/pool/${pool.json.uuid}`);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json.error, "Cannot delete, object is referred by: ['VirtualService vs27']");
    assert.equal((await s.call("DELETE", `/api/vsvip/${vip.json.uuid}`)).status, 403);
    assert.equal((await s.call("DELETE", `/api/virtualservice/${vs.json.uuid}`)).status, 204);
    assert.equal((await s.call("DELETE", `/api/pool/${pool.json.uuid}`)).status, 204);
    assert.equal((await s.call("DELETE", `/api/vsvip/${vip.json.uuid}`)).status, 204);
  });

  it("§11.28 DELETE answers 204 with an empty body, then 404", async () => {
    const pool = await s.call("POST", "/api/pool", { name: "p28" });
    const del = await s.call("DELETE", `/api/pool/${pool.json.uuid}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, "");
    assert.equal(del.headers["content-type"], "application/json");
    assert.equal((await s.call("DELETE", `/api/pool/${pool.json.uuid}`)).status, 404);
  });

  it("§11.29 system default objects cannot be deleted", async () => {
    for (const [type, name] of [
      ["vrfcontext", "global"],
      ["vrfcontext", "management"],
      ["cloud", "Default-Cloud"],
      ["serviceenginegroup", "Default-Group"],
      ["applicationprofile", "System-HTTP"],
      ["healthmonitor", "System-TCP"],
    ]) {
      const obj = (await s.call("GET", `/api/${type}?name=${name}`)).json.results[0];
      const r = await s.call("DELETE", `/api/${type}/${obj.uuid}`);
      assert.equal(r.status, 403, `${type} ${name}`);
      assert.match(r.json.error, /Cannot delete system default object/);
    }
    assert.equal((await s.call("DELETE", "/api/tenant/admin")).status, 403);
  });

  it("§11.30 PUT with the current _last_modified succeeds, with a stale one is 412, without one is unconditional", async () => {
    const pool = await s.call("POST", "/api/pool", { name: "p30" });
    const stale = pool.json._last_modified;
    const fresh = await s.call("PUT", `/api/pool/${pool.json.uuid}`, { ...pool.json, default_server_port: 8080 });
    assert.equal(fresh.status, 200);
    assert.notEqual(fresh.json._last_modified, stale);
    assert.equal(fresh.json.default_server_port, 8080);
    const conflict = await s.call("PUT", `/api/pool/${pool.json.uuid}`, { ...pool.json, default_server_port: 9090 });
    assert.equal(conflict.status, 412);
    assert.match(conflict.json.error, /Need to reload object data Pool/);
    assert.equal((await s.call("GET", `/api/pool/${pool.json.uuid}`)).json.default_server_port, 8080);
    const { _last_modified: _drop, ...unconditional } = pool.json;
    const blind = await s.call("PUT", `/api/pool/${pool.json.uuid}`, { ...unconditional, default_server_port: 7070 });
    assert.equal(blind.status, 200);
    assert.equal(blind.json.default_server_port, 7070);
    assert.equal((await s.call("PUT", "/api/pool/pool-missing", { name: "x" })).status, 404);
  });

  it("§11.36 objects are per tenant: invisible from admin, visible by X-Avi-Tenant-UUID; admin's System-* resolve", async () => {
    const t = await s.call("POST", "/api/tenant", { name: "t1", local: "true" });
    assert.equal(t.status, 201);
    assert.match(t.json.uuid, /^tenant-/);
    assert.equal(t.json.local, true);
    const created = await s.call(
      "POST",
      "/api/pool",
      {
        name: "t1-pool",
        health_monitor_refs: ["/api/healthmonitor?name=System-HTTP"],
        vrf_ref: "/api/vrfcontext?name=global",
      },
      { "X-Avi-Tenant": "t1" },
    );
    assert.equal(created.status, 201);
    assert.match(created.json.tenant_ref, /#t1$/);
    assert.match(created.json.health_monitor_refs[0], /#System-HTTP$/);
    assert.equal((await s.call("GET", "/api/pool?name=t1-pool", undefined, { "X-Avi-Tenant": "admin" })).json.count, 0);
    const viaUuid = await s.call("GET", "/api/pool?name=t1-pool", undefined, { "X-Avi-Tenant-UUID": t.json.uuid });
    assert.equal(viaUuid.json.count, 1);
    assert.equal((await s.call("GET", `/api/pool/${created.json.uuid}`)).status, 404, "not visible from admin");
    const sameName = await s.call("POST", "/api/pool", { name: "t1-pool" });
    assert.equal(sameName.status, 201, "names are unique per tenant only");
    const global = (await s.call("GET", "/api/vrfcontext?name=global", undefined, { "X-Avi-Tenant": "t1" })).json
      .results[0];
    assert.ok(global, "admin's global VRF is visible from t1");
    const foreign = await s.call(
      "PATCH",
      `/api/vrfcontext/${global.uuid}`,
      { add: { static_routes: [] } },
      { "X-Avi-Tenant": "t1" },
    );
    assert.equal(foreign.status, 400);
    assert.match(foreign.json.error, /Cannot modify VrfContext/);
    const tenantDelete = await s.call("DELETE", `/api/tenant/${t.json.uuid}`);
    assert.equal(tenantDelete.status, 403, "a tenant holding objects cannot go");
    assert.equal(emu().objects("pool", "t1").length, 1);
  });

  it("§11.38 DELETE /api/systemconfiguration is 405 with the DRF body", async () => {
    const r = await s.call("DELETE", "/api/systemconfiguration");
    assert.equal(r.status, 405);
    assert.deepEqual(r.json, { detail: "Method 'DELETE' not allowed." });
  });

  it("§11.39 an unknown API path is 404", async () => {
    assert.equal((await s.call("GET", "/api/abcd")).status, 404);
    assert.equal((await s.call("GET", "/nothing-here")).status, 404);
  });

  it("filters lists by refers_to, referred_by, cloud_ref.name and created_by as clients do", async () => {
    const pool = await s.call("POST", "/api/pool", { name: "pf", created_by: "ako-c1" });
    const vip = await s.call("POST", "/api/vsvip", {
      name: "vf",
      vip: [{ ip_address: { addr: "10.0.0.99", type: "V4" } }],
    });
    const vs = await s.call("POST", "/api/virtualservice", {
      name: "vsf",
      vsvip_ref: vip.json.url,
      pool_ref: pool.json.url,
      services: [{ port: 443 }],
    });
    const refersTo = await s.call("GET", `/api/virtualservice?refers_to=pool:${pool.json.uuid}`);
    assert.deepEqual(
      refersTo.json.results.map((o: { name: string }) => o.name),
      ["vsf"],
    );
    const referredBy = await s.call("GET", `/api/pool?referred_by=virtualservice:${vs.json.uuid}`);
    assert.deepEqual(
      referredBy.json.results.map((o: { name: string }) => o.name),
      ["pf"],
    );
    const byCloud = await s.call("GET", "/api/pool?name=pf&cloud_ref.name=Default-Cloud");
    assert.equal(byCloud.json.count, 1);
    assert.equal((await s.call("GET", "/api/pool?name=pf&cloud_ref.name=Other")).json.count, 0);
    const byCreator = await s.call("GET", "/api/pool?created_by=ako-c1");
    assert.deepEqual(
      byCreator.json.results.map((o: { name: string }) => o.name),
      ["pf"],
    );
    assert.equal(uuidOf(vs.json.pool_ref), pool.json.uuid);
  });

  it("holds the objects of a fresh controller", async () => {
    const expect: [string, string][] = [
      ["tenant", "admin"],
      ["cloud", "Default-Cloud"],
      ["serviceenginegroup", "Default-Group"],
      ["vrfcontext", "global"],
      ["vrfcontext", "management"],
      ["applicationprofile", "System-L4-Application"],
      ["networkprofile", "System-UDP-Fast-Path"],
      ["healthmonitor", "System-Ping"],
      ["analyticsprofile", "System-Analytics-Profile"],
    ];
    for (const [type, name] of expect) {
      assert.equal((await s.call("GET", `/api/${type}?name=${name}`)).json.count, 1, `${type} ${name}`);
    }
    const conf = await s.call("GET", "/api/systemconfiguration");
    assert.equal(conf.json.uuid, "default");
    assert.equal(conf.json.portal_configuration.allow_basic_authentication, false);
  });
});
