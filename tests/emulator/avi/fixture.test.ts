import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import {
  type AkoCluster,
  akoPrerequisites,
  akoSteps,
  type AviEmulator,
  SEED_AKO_CLUSTER,
  startAviEmulator,
} from "../../../emulator/avi";
import { login, type Session, useEmulator } from "./http";
import { assertRefused } from "./rules";

const UUID4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
const SEED_ROUTES = [
  ["192.168.101.0", 24, "10.100.1.101"],
  ["192.168.102.0", 24, "10.100.1.102"],
];

// biome-ignore lint/suspicious/noExplicitAny: tests walk dynamic JSON.
type Json = any;

async function one(s: Session, type: string, name: string): Promise<Json> {
  const r = await s.call("GET", `/api/${type}?name=${encodeURIComponent(name)}&include_name=true`);
  assert.equal(r.json.count, 1, `${type} ${name}`);
  return r.json.results[0];
}

function markers(obj: Json): Record<string, string[]> {
  return Object.fromEntries((obj.markers ?? []).map((m: Json) => [m.key, m.values]));
}

const refName = (ref: string) => ref.split("#")[1];

function routesOf(vrf: Json): [string, number, string, string | undefined][] {
  return vrf.static_routes.map((r: Json) => [
    r.prefix.ip_addr.addr,
    r.prefix.mask,
    r.next_hop.addr,
    r.labels?.[0]?.value,
  ]);
}

describe("Avi emulator: the AKO 2.2.1 fixture for the seed cluster", () => {
  const emu = useEmulator({ fixture: "ako" });
  let s: Session;
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "22.1.5" });
  });

  it("has the L4 virtual service AKO writes for default/web: name, markers, created_by, profiles, services, policy set", async () => {
    const vs = await one(s, "virtualservice", "demo--default-web");
    assert.deepEqual(markers(vs), { clustername: ["demo"], Namespace: ["default"], ServiceName: ["web"] });
    assert.equal(vs.created_by, "ako-demo");
    assert.equal(refName(vs.application_profile_ref), "System-L4-Application");
    assert.equal(refName(vs.network_profile_ref), "System-TCP-Proxy");
    assert.equal(refName(vs.se_group_ref), "Default-Group");
    assert.equal(refName(vs.vrf_context_ref), "global");
    assert.equal(refName(vs.cloud_ref), "Default-Cloud");
    assert.equal(refName(vs.vsvip_ref), "demo--default-web");
    assert.deepEqual(vs.services, [{ port: 80, enable_ssl: false, port_range_end: 80, enable_http2: false }]);
    assert.equal(vs.pool_ref, undefined, "AKO selects L4 pools through its L4 policy set");
    assert.equal(vs.l4_policies[0].index, 0);
    assert.equal(refName(vs.l4_policies[0].l4_policy_set_ref), "demo--default-web");
    assert.equal(vs.remove_listening_port_on_vs_down, true);
    assert.equal(vs.traffic_enabled, true);
    assert.deepEqual(JSON.parse(vs.service_metadata).namespace_svc_name, ["default/web"]);
    assert.equal(vs.error_page_profile_ref, undefined, 'AKO\'s "" ref is stored as unset');
  });

  it("has the VsVip on 10.10.10.50 from the VIP network, marked with the cluster only, used by the VS", async () => {
    const vip = await one(s, "vsvip", "demo--default-web");
    assert.deepEqual(markers(vip), { clustername: ["demo"] });
    assert.equal(vip.vip.length, 1);
    assert.deepEqual(vip.vip[0].ip_address, { type: "V4", addr: "10.10.10.50" });
    assert.equal(vip.vip[0].vip_id, "0");
    assert.equal(vip.vip[0].auto_allocate_ip, true);
    assert.equal(refName(vip.vip[0].ipam_network_subnet.network_ref), "vip-net");
    const vs = await one(s, "virtualservice", "demo--default-web");
    assert.deepEqual(
      vip.vs_refs.map((r: string) => r.split("#")[0].split("/").pop()),
      [vs.uuid],
    );
  });

  it("has the pool <cluster>--<ns>-<svc>-<PROTO>-<port> with the 4 pod IPs on the target port, per node, System-TCP", async () => {
    const pool = await one(s, "pool", "demo--default-web-TCP-80");
    assert.deepEqual(markers(pool), {
      clustername: ["demo"],
      Namespace: ["default"],
      ServiceName: ["web"],
      Port: ["80"],
    });
    assert.equal(pool.created_by, "ako-demo");
    assert.deepEqual(
      pool.servers.map((x: Json) => [x.ip.addr, x.port, x.server_node, x.external_uuid, x.enabled]),
      [
        ["192.168.101.13", 8080, "node1", "192.168.101.13:8080", true],
        ["192.168.101.22", 8080, "node1", "192.168.101.22:8080", true],
        ["192.168.102.17", 8080, "node2", "192.168.102.17:8080", true],
        ["192.168.102.36", 8080, "node2", "192.168.102.36:8080", true],
      ],
    );
    assert.deepEqual(pool.health_monitor_refs.map(refName), ["System-TCP"]);
    assert.equal(pool.graceful_disable_timeout, 1);
    assert.equal(refName(pool.vrf_ref), "global");
    const ps = await one(s, "l4policyset", "demo--default-web");
    const rule = ps.l4_connection_policy.rules[0];
    assert.equal(refName(rule.action.select_pool.pool_ref), "demo--default-web-TCP-80");
    assert.deepEqual(rule.match.port.ports, [80]);
    assert.equal(rule.match.protocol.protocol, "PROTOCOL_TCP");
    assert.deepEqual(markers(ps).Protocol, ["TCP"]);
  });

  it("has the 2 routes in global with AKO's ids and clustername label, and Default-Group labelled for the cluster", async () => {
    const vrf = await one(s, "vrfcontext", "global");
    assert.deepEqual(
      routesOf(vrf),
      SEED_ROUTES.map((r) => [...r, "demo"]),
    );
    for (const r of vrf.static_routes) {
      assert.match(r.route_id, new RegExp(`^demo-${UUID4}-0$`));
      assert.deepEqual(r.labels, [{ key: "clustername", value: "demo" }]);
    }
    assert.notEqual(vrf.static_routes[0].route_id, vrf.static_routes[1].route_id, "one uuid per node");
    const seg = await one(s, "serviceenginegroup", "Default-Group");
    assert.deepEqual(seg.labels, [{ key: "clustername", value: "demo" }]);
  });

  it("answers AKO's own boot query: every object created_by ako-demo", async () => {
    for (const [type, names] of [
      ["virtualservice", ["demo--default-web"]],
      ["pool", ["demo--default-web-TCP-80"]],
      ["l4policyset", ["demo--default-web"]],
    ] as const) {
      const r = await s.call("GET", `/api/${type}?created_by=ako-demo`);
      assert.deepEqual(
        r.json.results.map((o: Json) => o.name),
        names,
        type,
      );
    }
  });

  it("loads the same uuids and route ids every time", async () => {
    const again = await startAviEmulator({ fixture: "ako", http: true });
    try {
      for (const type of ["virtualservice", "vsvip", "pool", "l4policyset"]) {
        assert.deepEqual(
          again.objects(type).map((o) => o.uuid),
          emu()
            .objects(type)
            .map((o) => o.uuid),
          type,
        );
      }
      const ids = (e: AviEmulator) =>
        e
          .objects("vrfcontext")
          .find((v) => v.name === "global")
          ?.static_routes.map((r: Json) => r.route_id);
      assert.deepEqual(ids(again), ids(emu()));
    } finally {
      await again.stop();
    }
  });

  it("holds together: nothing can be deleted out of AKO's reverse order", async () => {
    const pool = await one(s, "pool", "demo--default-web-TCP-80");
    assertRefused(
      await s.call("DELETE", `/api/pool/${pool.uuid}`),
      /referred by: \['L4PolicySet demo--default-web'\]/,
      403,
    );
    const vip = await one(s, "vsvip", "demo--default-web");
    assertRefused(
      await s.call("DELETE", `/api/vsvip/${vip.uuid}`),
      /referred by: \['VirtualService demo--default-web'\]/,
      403,
    );
  });
});

describe("Avi emulator: the ako-foreign fixture (what import must refuse or leave alone)", () => {
  const emu = useEmulator({ fixture: "ako-foreign" });
  let s: Session;
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "22.1.5" });
  });

  it("keeps the seed cluster's routes beside another cluster's and an unlabelled one", async () => {
    const vrf = await one(s, "vrfcontext", "global");
    assert.deepEqual(routesOf(vrf), [
      ...SEED_ROUTES.map((r) => [...r, "demo"]),
      ["192.168.201.0", 24, "10.100.2.101", "other"],
      ["10.200.0.0", 16, "10.100.1.1", undefined],
    ]);
    assert.match(vrf.static_routes[2].route_id, new RegExp(`^other-${UUID4}-0$`));
    assert.equal(vrf.static_routes[3].route_id, "1");
    assert.equal(vrf.static_routes[3].labels, undefined);
  });

  it("has another cluster's VS on its own SE group, and a VS named like AKO's without markers", async () => {
    const other = await one(s, "virtualservice", "other--default-web");
    assert.deepEqual(markers(other), { clustername: ["other"], Namespace: ["default"], ServiceName: ["web"] });
    assert.equal(other.created_by, "ako-other");
    assert.equal(refName(other.se_group_ref), "other-seg");
    assert.deepEqual((await one(s, "serviceenginegroup", "other-seg")).labels, [
      { key: "clustername", value: "other" },
    ]);
    assert.deepEqual((await one(s, "vsvip", "other--default-web")).vip[0].ip_address.addr, "10.10.10.60");
    const bare = await one(s, "virtualservice", "demo--default-api");
    assert.equal(bare.markers, undefined);
    assert.equal(bare.created_by, undefined);
    assert.equal(refName(bare.pool_ref), "demo--default-api-TCP-8081");
    assert.deepEqual(markers(await one(s, "virtualservice", "demo--default-web")).clustername, ["demo"]);
  });
});

describe("Avi emulator: loading fixtures", () => {
  it("builds AKO's objects for a mixed TCP/UDP Service: a UDP override, one pool and monitor per protocol", async () => {
    const dns: AkoCluster = {
      ...SEED_AKO_CLUSTER,
      services: [
        {
          namespace: "kube-system",
          name: "dns",
          vip: "10.10.10.53",
          ports: (["TCP", "UDP"] as const).map((protocol) => ({
            port: 53,
            protocol,
            targetPort: 5353,
            endpoints: [{ ip: "192.168.101.50", node: "node1" }],
          })),
        },
      ],
    };
    const e = await startAviEmulator({ http: true, fixture: [...akoPrerequisites(dns), ...akoSteps(dns)] });
    try {
      const vs = e.objects("virtualservice")[0];
      assert.equal(vs.name, "demo--kube-system-dns");
      assert.equal(vs.services.length, 2);
      const udp = e.objects("networkprofile").find((n) => n.name === "System-UDP-Fast-Path");
      assert.equal(vs.services[1].override_network_profile_ref, `/api/networkprofile/${udp?.uuid}`);
      assert.deepEqual(
        e.objects("pool").map((p) => p.name),
        ["demo--kube-system-dns-TCP-53", "demo--kube-system-dns-UDP-53"],
      );
      const hm = Object.fromEntries(e.objects("healthmonitor").map((h) => [`/api/healthmonitor/${h.uuid}`, h.name]));
      assert.deepEqual(
        e.objects("pool").map((p) => hm[p.health_monitor_refs[0]]),
        ["System-TCP", "System-UDP"],
      );
      assert.deepEqual(e.objects("l4policyset")[0].markers.at(-1), { key: "Protocol", values: ["TCP,UDP"] });
    } finally {
      await e.stop();
    }
  });

  it("load() applies a fixture to a running emulator and names a step the controller refuses", async () => {
    const e = await startAviEmulator({ http: true });
    try {
      assert.equal(e.objects("virtualservice").length, 0);
      e.load("ako");
      assert.deepEqual(
        e.objects("virtualservice").map((v) => v.name),
        ["demo--default-web"],
      );
      assert.throws(
        () => e.load([{ op: "create", type: "pool", body: { name: "bad", lb_algorithm: "LB_ALGORITHM_X" } }]),
        /loading the Avi fixture failed at step 1 \(create pool bad\): HTTP 400 .*lb_algorithm/,
      );
      assert.throws(() => e.load("nope" as "ako"), /unknown Avi fixture 'nope' \(expected one of ako, ako-foreign\)/);
    } finally {
      await e.stop();
    }
  });

  it("is applied to a fresh state only: a restart on the same --state keeps what is there", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-fixture-"));
    try {
      const first = await startAviEmulator({ http: true, stateDir: dir, fixture: "ako" });
      const s = await login(first);
      const vs = await one(s, "virtualservice", "demo--default-web");
      assert.equal((await s.call("DELETE", `/api/virtualservice/${vs.uuid}`)).status, 204);
      await first.stop();
      const second = await startAviEmulator({ http: true, stateDir: dir, fixture: "ako" });
      assert.equal(second.objects("virtualservice").length, 0, "the fixture does not come back over saved state");
      assert.equal(second.objects("pool").length, 1);
      await second.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("avi-k8s emulate avi --fixture ako serves the fixture; an unknown name exits 2", async () => {
    const cli = path.join(__dirname, "..", "..", "..", "cli", "index.js");
    const child: ChildProcess = spawn(process.execPath, [cli, "emulate", "avi", "--http", "--fixture", "ako"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
        rl.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`emulate exited with ${code}`)));
      });
      const info = JSON.parse(line);
      const s = await login(info as AviEmulator);
      assert.deepEqual(markers(await one(s, "virtualservice", "demo--default-web")).clustername, ["demo"]);
    } finally {
      child.kill("SIGTERM");
    }
    const bad = spawn(process.execPath, [cli, "emulate", "avi", "--fixture", "nope"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    bad.stderr?.on("data", (c) => {
      err += String(c);
    });
    const code = await new Promise((resolve) => bad.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /--fixture must be one of ako, ako-foreign, got 'nope'/);
  });
});
