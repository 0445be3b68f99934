// Acceptance of the L4 settings through @pulumi/pulumi's own dynamic-provider host, against both emulators: each
// change shows in preview first (the checked inputs, which is all a dynamic resource's preview can show), `up`
// applies it, and a second `up` writes nothing (the Avi emulator's write log is the judge).
import * as assert from "node:assert/strict";
import { useLabHost, VS_TYPE } from "./support";

const SHARED_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpSharedVip";

type Props = Record<string, unknown>;
type Json = Record<string, unknown>;

interface Stack {
  id?: string;
  inputs?: Props;
  outputs?: Props;
}

interface L4 {
  pools: Record<string, Json>;
  healthMonitors?: Record<string, Json>;
  persistenceProfiles?: Record<string, Json>;
  sourceRanges?: string[];
}

describe("L4 settings through the real dynamic-provider host", function () {
  this.timeout(120_000);
  const t = useLabHost();

  const obj = (type: string, name: string) => t.lab.avi.objects(type).find((o) => o.name === name) as Json | undefined;
  const service = (name: string, spec: Json, annotations: Record<string, string> = {}) =>
    t.lab.kube.apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "default", annotations },
      spec: {
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }],
        ...spec,
      },
    });

  /** `pulumi preview`: check (reads only) and diff; nothing reaches the controller's write log. */
  async function preview(type: string, name: string, st: Stack, news: Props) {
    const writes = t.lab.avi.writes().length;
    const checked = await t.host.check({
      type,
      name,
      news: { __provider: t.vsCode, ...news },
      ...(st.inputs ? { olds: st.inputs } : {}),
    });
    assert.deepEqual(checked.failures, [], `${name}: check failures`);
    const diff = st.id
      ? await t.host.diff({ type, name, id: st.id, olds: st.outputs!, news: checked.inputs, oldInputs: st.inputs! })
      : undefined;
    assert.equal(t.lab.avi.writes().length, writes, "preview writes nothing");
    return { inputs: checked.inputs, l4: checked.inputs.l4 as L4, diff };
  }

  /** `pulumi up`: create, update or replace (delete first) as diff says; returns the controller writes it cost. */
  async function up(type: string, name: string, st: Stack, news: Props): Promise<number> {
    const p = await preview(type, name, st, news);
    const writes = t.lab.avi.writes().length;
    if (!st.id || p.diff?.replaces.length) {
      if (st.id) await t.host.delete({ type, name, id: st.id, properties: st.outputs!, oldInputs: st.inputs! });
      const created = await t.host.create({ type, name, properties: p.inputs });
      Object.assign(st, { id: created.id, inputs: p.inputs, outputs: created.properties });
    } else if (p.diff?.changes !== "none") {
      const updated = await t.host.update({
        type,
        name,
        id: st.id,
        olds: st.outputs!,
        news: p.inputs,
        oldInputs: st.inputs!,
      });
      Object.assign(st, { inputs: p.inputs, outputs: updated.properties });
    } else {
      st.inputs = p.inputs;
    }
    return t.lab.avi.writes().length - writes;
  }

  async function secondUpWritesNothing(type: string, name: string, st: Stack, news: Props): Promise<void> {
    const p = await preview(type, name, st, news);
    assert.equal(p.diff?.changes, "none", `${name}: a second preview shows no change`);
    const before = t.lab.avi.writes().length;
    // Even an update the engine would not send converges to zero writes.
    await t.host.update({ type, name, id: st.id!, olds: st.outputs!, news: p.inputs, oldInputs: st.inputs! });
    assert.equal(t.lab.avi.writes().length, before, `${name}: a second up writes nothing`);
  }

  it("an HTTP monitor derived from the pods' readiness probe lands on the pool", async () => {
    const st: Stack = {};
    const news = {
      cluster: "l4a",
      service: "web",
      vip: { address: "10.10.11.1" },
      healthMonitor: { fromReadinessProbe: true },
    };
    const pool = "l4a--default-web-TCP-80";
    const monitor = `${pool}-HTTP`;
    const shown = await preview(VS_TYPE, "probe", st, news);
    assert.deepEqual(shown.l4.healthMonitors, {
      [monitor]: {
        type: "HTTP",
        interval: 10,
        timeout: 4,
        failedChecks: 2,
        successfulChecks: 2,
        request: "GET /healthz HTTP/1.0",
        responseCodes: ["2XX", "3XX"],
        from: "readinessProbe",
      },
    });
    assert.equal(shown.l4.pools[pool]?.healthMonitor, monitor, "preview names the pool's monitor");
    await up(VS_TYPE, "probe", st, news);
    const hm = obj("healthmonitor", monitor)!;
    assert.equal(hm.type, "HEALTH_MONITOR_HTTP");
    assert.equal((hm.http_monitor as Json).http_request, "GET /healthz HTTP/1.0");
    assert.equal(hm.monitor_port, undefined, "the probe's port is the server port (named port http, 8080)");
    assert.deepEqual(obj("pool", pool)!.health_monitor_refs, [`/api/healthmonitor/${hm.uuid}`]);
    assert.equal(obj("pool", pool)!.graceful_disable_timeout, 1, "written explicitly");
    await secondUpWritesNothing(VS_TYPE, "probe", st, news);
    await t.host.delete({ type: VS_TYPE, name: "probe", id: st.id!, properties: st.outputs! });
    assert.equal(obj("healthmonitor", monitor), undefined, "the owned monitor goes with the resource");
  });

  it("a Service turned sessionAffinity: ClientIP gets a client-IP persistence profile (seconds to minutes)", async () => {
    service("sticky", { sessionAffinity: "None" });
    const st: Stack = {};
    const news = { cluster: "l4b", service: "sticky", vip: { address: "10.10.11.2" } };
    const pool = "l4b--default-sticky-TCP-80";
    await up(VS_TYPE, "sticky", st, news);
    assert.equal(obj("pool", pool)!.application_persistence_profile_ref, undefined);
    service("sticky", { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 7200 } } });
    const shown = await preview(VS_TYPE, "sticky", st, news);
    assert.deepEqual(shown.l4.persistenceProfiles, { [pool]: { clientIpTimeout: 120 } });
    assert.equal(shown.l4.pools[pool]?.persistence, pool);
    assert.deepEqual([shown.diff?.changes, shown.diff?.replaces], ["some", []]);
    assert.deepEqual(await up(VS_TYPE, "sticky", st, news), 2, "the profile, then the pool that refers to it");
    const profile = obj("applicationpersistenceprofile", pool)!;
    assert.equal(profile.persistence_type, "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS");
    assert.deepEqual(profile.ip_persistence_profile, { ip_persistent_timeout: 120 });
    assert.equal(
      obj("pool", pool)!.application_persistence_profile_ref,
      `/api/applicationpersistenceprofile/${profile.uuid}`,
    );
    await secondUpWritesNothing(VS_TYPE, "sticky", st, news);
    await t.host.delete({ type: VS_TYPE, name: "sticky", id: st.id!, properties: st.outputs! });
  });

  it("source ranges give a policy that lets exactly them in; removing them removes the policy after the VS lets go", async () => {
    service("guarded", { loadBalancerSourceRanges: ["192.168.50.0/24", "10.20.0.0/16"] });
    const st: Stack = {};
    const news = { cluster: "l4c", service: "guarded", vip: { address: "10.10.11.3" } };
    const shown = await preview(VS_TYPE, "guarded", st, news);
    assert.deepEqual(shown.l4.sourceRanges, ["10.20.0.0/16", "192.168.50.0/24"]);
    await up(VS_TYPE, "guarded", st, news);
    const nsp = obj("networksecuritypolicy", "l4c--default-guarded")!;
    const rules = nsp.rules as Json[];
    assert.equal(rules.length, 1);
    const client = (rules[0]!.match as Json).client_ip as Json;
    assert.equal(rules[0]!.action, "NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY");
    assert.equal(client.match_criteria, "IS_NOT_IN");
    assert.deepEqual(
      (client.prefixes as Json[]).map((p) => `${(p.ip_addr as Json).addr}/${p.mask}`),
      ["10.20.0.0/16", "192.168.50.0/24"],
      "exactly the Service's ranges",
    );
    assert.equal(
      obj("virtualservice", "l4c--default-guarded")!.network_security_policy_ref,
      `/api/networksecuritypolicy/${nsp.uuid}`,
    );
    await secondUpWritesNothing(VS_TYPE, "guarded", st, news);

    service("guarded", {});
    const removed = await preview(VS_TYPE, "guarded", st, news);
    assert.equal(removed.l4.sourceRanges, undefined);
    assert.equal(removed.diff?.changes, "some");
    const before = t.lab.avi.writes().length;
    await up(VS_TYPE, "guarded", st, news);
    assert.deepEqual(
      t.lab.avi
        .writes()
        .slice(before)
        .map((w) => `${w.method} ${w.path.split("/")[2]}`),
      ["PUT virtualservice", "DELETE networksecuritypolicy"],
    );
    assert.equal(obj("networksecuritypolicy", "l4c--default-guarded"), undefined);
    await t.host.delete({ type: VS_TYPE, name: "guarded", id: st.id!, properties: st.outputs! });
  });

  it("a DNS Service pair shares one VIP: one VsVip and VS with a TCP and a UDP pool", async () => {
    t.lab.kube.addPod({
      name: "dns-a",
      node: "node1",
      labels: { app: "dns" },
      ports: [
        { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
        { name: "dns", containerPort: 53, protocol: "UDP" },
      ],
    });
    for (const [name, protocol] of [
      ["dns-tcp", "TCP"],
      ["dns-udp", "UDP"],
    ] as const) {
      t.lab.kube.apply({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "default" },
        spec: { selector: { app: "dns" }, ports: [{ port: 53, protocol, targetPort: 53 }] },
      });
    }
    const st: Stack = {};
    const news = {
      cluster: "l4d",
      namespace: "default",
      service: "dns",
      members: [{ service: "dns-tcp" }, { service: "dns-udp" }],
      vip: { address: "10.10.11.53" },
    };
    const shown = await preview(SHARED_TYPE, "dns", st, news);
    const pools = ["l4d--default-dns-tcp-dns-TCP-53", "l4d--default-dns-udp-dns-UDP-53"];
    assert.deepEqual(Object.keys(shown.inputs.pools as Json).sort(), pools);
    assert.deepEqual(shown.l4.pools[pools[1]!]?.healthMonitor, "System-UDP");
    await up(SHARED_TYPE, "dns", st, news);
    assert.equal(st.id, "l4d--default-dns");
    const vsvips = t.lab.avi.objects("vsvip").filter((v) => String(v.name).startsWith("l4d--"));
    assert.equal(vsvips.length, 1, "one VsVip");
    const vss = t.lab.avi.objects("virtualservice").filter((v) => String(v.name).startsWith("l4d--"));
    assert.equal(vss.length, 1, "one virtual service");
    const vs = vss[0] as Json;
    assert.deepEqual(
      (vs.services as Json[]).map((s) => `${s.port}${s.override_network_profile_ref ? " UDP" : ""}`),
      ["53", "53 UDP"],
    );
    for (const p of pools) assert.ok(obj("pool", p), `${p} exists`);
    assert.equal(st.outputs?.vipAddress, "10.10.11.53");
    await secondUpWritesNothing(SHARED_TYPE, "dns", st, news);
    await t.host.delete({ type: SHARED_TYPE, name: "dns", id: st.id!, properties: st.outputs! });
    assert.deepEqual(
      ["vsvip", "virtualservice", "pool"]
        .flatMap((type) => t.lab.avi.objects(type))
        .filter((o) => String(o.name).startsWith("l4d--")),
      [],
    );
  });

  it("takes the VIP from AKO's annotation, and replaces (deleting first) when it changes", async () => {
    service("pinned", {}, { "ako.vmware.com/load-balancer-ip": "10.10.11.70" });
    const st: Stack = {};
    const news = { cluster: "l4e", service: "pinned" };
    const shown = await preview(VS_TYPE, "pinned", st, news);
    assert.deepEqual(shown.inputs.vip, { address: "10.10.11.70" });
    await up(VS_TYPE, "pinned", st, news);
    assert.equal(st.outputs?.vipAddress, "10.10.11.70");
    service("pinned", {}, { "ako.vmware.com/load-balancer-ip": "10.10.11.71" });
    const moved = await preview(VS_TYPE, "pinned", st, news);
    assert.deepEqual([moved.diff?.replaces, moved.diff?.deleteBeforeReplace], [["vip"], true]);
    await up(VS_TYPE, "pinned", st, news);
    const vip = obj("vsvip", "l4e--default-pinned")!;
    assert.equal(((vip.vip as Json[])[0]!.ip_address as Json).addr, "10.10.11.71");
    await secondUpWritesNothing(VS_TYPE, "pinned", st, news);
    await t.host.delete({ type: VS_TYPE, name: "pinned", id: st.id!, properties: st.outputs! });
  });

  it("checks in preview that named objects exist: one controller read per type, on the shared session", async () => {
    const news = {
      __provider: t.vsCode,
      cluster: "l4g",
      service: "web",
      vip: { address: "10.10.11.5" },
      applicationProfile: "System-L4-Application",
      pool: { healthMonitor: "System-HTTP", persistence: "System-Persistence-Client-IP" },
      portPools: { "80": { healthMonitor: "System-TCP" } },
    };
    const from = t.lab.avi.requestLog.length;
    const ok = await t.host.check({ type: VS_TYPE, name: "refs", news });
    assert.deepEqual(ok.failures, []);
    const reads = t.lab.avi.requestLog.slice(from).filter((e) => e.path.startsWith("/api/"));
    assert.deepEqual(reads.map((e) => `${e.method} ${e.path.split("/")[2]}`).sort(), [
      "GET applicationpersistenceprofile",
      "GET applicationprofile",
      "GET healthmonitor",
    ]);
    const missing = await t.host.check({
      type: VS_TYPE,
      name: "refs",
      news: { ...news, networkProfile: "nosuch-profile", portPools: { "80": { healthMonitor: "nosuch-hm" } } },
    });
    assert.deepEqual(missing.failures.map((f) => f.property).sort(), [
      "networkProfile",
      'portPools["80"].healthMonitor',
    ]);
    assert.match(
      missing.failures.find((f) => f.property === "networkProfile")!.reason,
      /networkprofile 'nosuch-profile' does not exist in tenant admin/,
    );
  });

  it("keeps a terminating pod's server disabled until it is gone, with the drain the pool was given", async () => {
    const st: Stack = {};
    const news = {
      cluster: "l4f",
      service: "web",
      vip: { address: "10.10.11.4" },
      pool: { gracefulDisableTimeout: 5, serverDisableType: "DISALLOW_NEW_CONNECTION" },
    };
    const pool = "l4f--default-web-TCP-80";
    await up(VS_TYPE, "drain", st, news);
    const drain = obj("pool", pool)!;
    assert.deepEqual([drain.graceful_disable_timeout, drain.server_disable_type], [5, "DISALLOW_NEW_CONNECTION"]);
    t.lab.kube.terminatePod("default", "web-d");
    const shown = await preview(VS_TYPE, "drain", st, news);
    const servers = (shown.inputs.pools as Record<string, { servers: Record<string, string> }>)[pool]!.servers;
    assert.match(servers["192.168.102.36:8080"] ?? "", / disabled$/, "preview shows the server drained");
    await up(VS_TYPE, "drain", st, news);
    const d = (obj("pool", pool)!.servers as Json[]).find((s) => (s.ip as Json).addr === "192.168.102.36");
    assert.equal(d?.enabled, false, "kept in the pool, disabled: existing connections drain for 5 minutes");
    t.lab.kube.deletePod("default", "web-d");
    await up(VS_TYPE, "drain", st, news);
    const left = (obj("pool", pool)!.servers as Json[]).map((s) => (s.ip as Json).addr);
    assert.ok(!left.includes("192.168.102.36"), "gone from the slice, gone from the pool");
    await t.host.delete({ type: VS_TYPE, name: "drain", id: st.id!, properties: st.outputs! });
  });
});
