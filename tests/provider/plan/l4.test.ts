import * as assert from "node:assert/strict";
import {
  affinityMinutes,
  agreedVip,
  type L4Target,
  planPools,
  planSharedPools,
  resolveL4,
  sharedPoolMember,
  sharedPoolName,
  sharedVipFailures,
  validateL4Args,
} from "../../../provider/plan";
import type { EndpointPlacement, ReadinessProbe, ServicePlacement } from "../../../provider/plan/types";

function ep(ip: string, node: string, pod: string): EndpointPlacement {
  return {
    ip,
    family: "ipv4",
    port: 8080,
    node,
    ready: true,
    serving: true,
    terminating: false,
    pod: { namespace: "default", name: pod },
  };
}

const PROBE: ReadinessProbe = {
  pod: "web-a",
  container: "web",
  kind: "httpGet",
  port: 8080,
  portSpec: "http",
  path: "/healthz",
  scheme: "HTTP",
};

function web(over: Partial<ServicePlacement> = {}, probe: ReadinessProbe | null = PROBE): ServicePlacement {
  return {
    namespace: "default",
    name: "web",
    ports: [
      {
        name: "http",
        port: 80,
        protocol: "TCP",
        targetPort: "http",
        endpoints: [ep("192.168.101.13", "node1", "web-a"), ep("192.168.102.17", "node2", "web-c")],
        ...(probe ? { readinessProbe: probe } : {}),
      },
    ],
    ...over,
  };
}

const POOL = "c1--default-web-TCP-80";

function target(args: L4Target["args"], svc = web()): L4Target {
  return { service: svc, pools: planPools("c1", svc), args, prefix: "" };
}

const props = (failures: { property: string }[]) => failures.map((f) => f.property).sort();

describe("L4 settings: argument validation", () => {
  it("names each bad field: enums, ranges, combinations within one object, unknown keys", () => {
    const failures = validateL4Args({
      healthMonitor: { type: "ICMP", interval: 0, failedChecks: 51, successfulChecks: 0, port: 70000 },
      pool: {
        lbAlgorithm: "FASTEST",
        lbHash: "MD5",
        lbHashHeader: "bad header",
        persistence: { clientIpTimeout: 721 },
        gracefulDisableTimeout: -2,
        serverDisableType: "DROP",
        minServersUp: -1,
        healthMonitor: "System-TCP",
        lbAlgoritm: "ROUND_ROBIN",
      },
      portPools: { http: {}, "70000": {} },
      sourceRanges: ["10.0.0.0/33", "not-a-cidr", "10.0.0.5/8"],
      fullClientLogs: "yes",
    });
    assert.deepEqual(props(failures), [
      "fullClientLogs",
      "healthMonitor",
      "healthMonitor.failedChecks",
      "healthMonitor.interval",
      "healthMonitor.port",
      "healthMonitor.successfulChecks",
      "healthMonitor.type",
      "pool.gracefulDisableTimeout",
      "pool.lbAlgorithm",
      "pool.lbAlgoritm",
      "pool.lbHash",
      "pool.lbHashHeader",
      "pool.minServersUp",
      "pool.persistence.clientIpTimeout",
      "pool.serverDisableType",
      'portPools["70000"]',
      'portPools["http"]',
      "sourceRanges[0]",
      "sourceRanges[1]",
      "sourceRanges[2]",
    ]);
    assert.match(
      failures.find((f) => f.property === "sourceRanges[2]")!.reason,
      /host bits set; the network is 10\.0\.0\.0\/8/,
    );
  });

  it("refuses a timeout not below the interval, HTTP fields on a TCP monitor, probe-owned fields with fromReadinessProbe", () => {
    const f = validateL4Args({
      pool: { healthMonitor: { type: "TCP", interval: 5, timeout: 5, path: "/x", responseCodes: ["2XX"] } },
      portPools: { "80": { healthMonitor: { fromReadinessProbe: true, path: "/y", type: "HTTP" } } },
    });
    assert.deepEqual(props(f), [
      "pool.healthMonitor.path",
      "pool.healthMonitor.responseCodes",
      "pool.healthMonitor.timeout",
      'portPools["80"].healthMonitor.path',
      'portPools["80"].healthMonitor.type',
    ]);
    assert.match(f.find((x) => x.property === "pool.healthMonitor.timeout")!.reason, /less than the interval \(5 s\)/);
    assert.deepEqual(
      validateL4Args({ healthMonitor: { type: "HTTP", path: "/ok", responseCodes: ["HTTP_2XX", "3XX"] } }),
      [],
    );
    assert.deepEqual(props(validateL4Args({ healthMonitor: { interval: 5 } })), ["healthMonitor.type"]);
    assert.deepEqual(props(validateL4Args({ pool: { lbAlgorithm: "NEAREST_SERVER" } })), ["pool.lbAlgorithm"]);
    assert.match(validateL4Args({ pool: { lbAlgorithm: "TOPOLOGY" } })[0]!.reason, /GSLB pools only/);
  });
});

describe("L4 settings: resolution", () => {
  it("gives AKO's defaults when nothing is asked: the protocol's System monitor, least connections, 1 minute drain", () => {
    const r = resolveL4([target({})]);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.plan, {
      pools: { [POOL]: { healthMonitor: "System-TCP", lbAlgorithm: "LEAST_CONNECTIONS", gracefulDisableTimeout: 1 } },
    });
  });

  it("derives an HTTP monitor from the readiness probe: its path, no monitor port when it probes the server port", () => {
    const r = resolveL4([target({ healthMonitor: { fromReadinessProbe: true } })]);
    assert.deepEqual(r.failures, []);
    assert.equal(r.plan.pools[POOL]?.healthMonitor, `${POOL}-HTTP`);
    assert.deepEqual(r.plan.healthMonitors, {
      [`${POOL}-HTTP`]: {
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
    const other = resolveL4([
      target(
        { healthMonitor: { fromReadinessProbe: true, interval: 5, timeout: 2 } },
        web({}, { ...PROBE, port: 9090, portSpec: 9090, scheme: "HTTPS" }),
      ),
    ]);
    assert.deepEqual(other.plan.healthMonitors?.[`${POOL}-HTTPS`], {
      type: "HTTPS",
      interval: 5,
      timeout: 2,
      failedChecks: 2,
      successfulChecks: 2,
      port: 9090,
      request: "GET /healthz HTTP/1.0",
      responseCodes: ["2XX", "3XX"],
      from: "readinessProbe",
    });
    const tcp = resolveL4([
      target(
        { healthMonitor: { fromReadinessProbe: true } },
        web({}, { ...PROBE, kind: "tcpSocket", path: undefined }),
      ),
    ]);
    assert.equal(tcp.plan.healthMonitors?.[`${POOL}-TCP`]?.type, "TCP");
  });

  it("refuses probes a monitor cannot stand for: special headers, another host, exec, grpc, no probe, a named port nobody declares", () => {
    const cases: [Partial<ReadinessProbe>, RegExp][] = [
      [{ headers: ["X-Probe"] }, /headers X-Probe; like the GCE ingress/],
      [{ host: "example.com" }, /aimed at host example\.com/],
      [{ kind: "exec" }, /exec probe, which a health monitor cannot run/],
      [{ kind: "grpc" }, /grpc probe/],
      [{ kind: "none" }, /has no readinessProbe/],
      [{ port: undefined, portSpec: "metrics" }, /names port 'metrics'/],
    ];
    for (const [over, says] of cases) {
      const r = resolveL4([
        target({ pool: { healthMonitor: { fromReadinessProbe: true } } }, web({}, { ...PROBE, ...over })),
      ]);
      assert.deepEqual(props(r.failures), ["pool.healthMonitor"], JSON.stringify(over));
      assert.match(r.failures[0]!.reason, says);
    }
    const waiting = resolveL4([target({ healthMonitor: { fromReadinessProbe: true } }, web({}, null))]);
    assert.deepEqual(waiting.failures, [], "no pod to read yet is not an error");
    assert.equal(waiting.plan.pools[POOL]?.healthMonitor, "System-TCP");
    assert.match(waiting.notes[0]!, /no pod backs it yet/);
  });

  it("layers portPools over pool field by field and blames the field's own argument", () => {
    const svc = web({
      ports: [
        { ...web().ports[0]! },
        { port: 53, protocol: "UDP", targetPort: 53, endpoints: [] },
        { port: 53, protocol: "TCP", targetPort: 53, endpoints: [] },
      ],
    });
    const r = resolveL4([
      target(
        {
          pool: { lbAlgorithm: "ROUND_ROBIN", gracefulDisableTimeout: 5 },
          portPools: {
            "53": { lbAlgorithm: "CONSISTENT_HASH", lbHash: "SOURCE_IP_ADDRESS_AND_PORT" },
            "53/UDP": { healthMonitor: "System-UDP", minServersUp: 1 },
          },
        },
        svc,
      ),
    ]);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.plan.pools["c1--default-web-UDP-53"], {
      healthMonitor: "System-UDP",
      lbAlgorithm: "CONSISTENT_HASH",
      lbHash: "SOURCE_IP_ADDRESS_AND_PORT",
      gracefulDisableTimeout: 5,
      minServersUp: 1,
    });
    assert.equal(r.plan.pools[POOL]?.lbAlgorithm, "ROUND_ROBIN");
    assert.deepEqual(r.refs.healthmonitor, { "System-UDP": ['portPools["53/UDP"].healthMonitor'] });

    const bad = resolveL4([
      target(
        {
          pool: { lbHash: "URI" },
          portPools: { "80": { lbAlgorithm: "CONSISTENT_HASH", lbHash: "CUSTOM_HEADER" }, "8080": {}, "80/UDP": {} },
        },
        web(),
      ),
    ]);
    assert.deepEqual(props(bad.failures), ['portPools["80"].lbHash', 'portPools["80/UDP"]', 'portPools["8080"]']);
    const header = resolveL4([target({ pool: { lbHashHeader: "X-User" } })]);
    assert.deepEqual(props(header.failures), ["pool.lbHashHeader"]);
    assert.match(header.failures[0]!.reason, /needs lbHash CUSTOM_HEADER/);
  });

  it("maps sessionAffinity ClientIP to a client-IP profile per pool: seconds up to whole minutes, clamped at 720 with a note", () => {
    assert.deepEqual(affinityMinutes(10800), { minutes: 180 });
    assert.deepEqual(affinityMinutes(59), { minutes: 1 });
    assert.equal(affinityMinutes(86400).minutes, 720);
    const r = resolveL4([target({}, web({ sessionAffinity: { timeoutSeconds: 10800 } }))]);
    assert.deepEqual(r.plan.persistenceProfiles, { [POOL]: { clientIpTimeout: 180 } });
    assert.equal(r.plan.pools[POOL]?.persistence, POOL);
    const long = resolveL4([target({}, web({ sessionAffinity: { timeoutSeconds: 86400 } }))]);
    assert.deepEqual(long.plan.persistenceProfiles, { [POOL]: { clientIpTimeout: 720 } });
    assert.match(long.notes[0]!, /1440 minutes; .* 720 minutes are used/);
    const off = resolveL4([target({ pool: { persistence: false } }, web({ sessionAffinity: { timeoutSeconds: 60 } }))]);
    assert.equal(off.plan.persistenceProfiles, undefined);
    assert.equal(off.plan.pools[POOL]?.persistence, undefined);
    const named = resolveL4([target({ pool: { persistence: "System-Persistence-Client-IP" } })]);
    assert.equal(named.plan.pools[POOL]?.persistence, "System-Persistence-Client-IP");
    assert.deepEqual(Object.keys(named.refs.applicationpersistenceprofile), ["System-Persistence-Client-IP"]);
  });

  it("takes the Service's source ranges (networks, sorted, once each) unless the argument says otherwise", () => {
    const svc = web({
      sourceRanges: {
        ranges: ["10.1.2.3/16", "192.168.0.0/24", "10.1.0.0/16", "fd00::/8"],
        from: "spec.loadBalancerSourceRanges",
      },
    });
    assert.deepEqual(resolveL4([target({}, svc)]).plan.sourceRanges, ["10.1.0.0/16", "192.168.0.0/24", "fd00::/8"]);
    assert.equal(resolveL4([target({}, svc)], { sourceRanges: [] }).plan.sourceRanges, undefined);
    assert.deepEqual(resolveL4([target({}, svc)], { sourceRanges: ["172.16.0.0/12"] }).plan.sourceRanges, [
      "172.16.0.0/12",
    ]);
    const broken = resolveL4([
      target({}, web({ sourceRanges: { ranges: ["nope"], from: "spec.loadBalancerSourceRanges" } })),
    ]);
    assert.deepEqual(props(broken.failures), ["service"]);
    assert.match(broken.failures[0]!.reason, /spec\.loadBalancerSourceRanges has 'nope'/);
  });

  it("refuses names past Avi's 255 characters", () => {
    const long = "c".repeat(115);
    const svc = { ...web(), name: "s".repeat(63), namespace: "n".repeat(63) };
    const pools = planPools(long, svc);
    const r = resolveL4([{ service: svc, pools, args: { healthMonitor: { type: "HTTPS" } }, prefix: "" }]);
    assert.deepEqual(props(r.failures), ["cluster"]);
  });
});

describe("shared VIP", () => {
  const dns = (name: string, protocol: "TCP" | "UDP", over: Partial<ServicePlacement> = {}): ServicePlacement => ({
    namespace: "default",
    name,
    ports: [{ port: 53, protocol, targetPort: 53, endpoints: [] }],
    ...over,
  });
  const member = (svc: ServicePlacement, i: number) => ({
    service: svc,
    pools: planSharedPools("c1", "dns", svc),
    prefix: `members[${i}].`,
  });

  it("names pools like AKO's shared VIP and lets 53/TCP and 53/UDP share; refuses one port and protocol twice", () => {
    const tcp = member(dns("dns-tcp", "TCP"), 0);
    assert.equal(tcp.pools[0]?.name, "c1--default-dns-tcp-dns-TCP-53");
    assert.deepEqual(sharedVipFailures("dns", [tcp, member(dns("dns-udp", "UDP"), 1)]), []);
    const clash = sharedVipFailures("dns", [tcp, member(dns("dns-tcp2", "TCP"), 1)]);
    assert.deepEqual(props(clash), ["members[1].service"]);
    assert.match(clash[0]!.reason, /dns-tcp2 and Service default\/dns-tcp both expose 53\/TCP/);
    const other = sharedVipFailures("dns", [member(dns("a", "TCP", { sharedVipKey: "other" }), 0)]);
    assert.match(other[0]!.reason, /enable-shared-vip: other, not dns; the settings disagree/);
  });

  it("reads a shared pool's member Service back from its name, given the namespace and key its markers name", () => {
    for (const [ns, svc, key] of [
      ["default", "dns-tcp", "dns"],
      ["kube-system", "a-dns-b", "dns"],
      ["team-a", "web", "web"],
      ["x", "dns-dns", "dns"],
    ] as const) {
      for (const [proto, port] of [
        ["TCP", 53],
        ["UDP", 65535],
        ["SCTP", 1],
      ] as const) {
        const name = sharedPoolName("c1", ns, svc, key, proto, port);
        assert.equal(sharedPoolMember(name, "c1", ns, key), svc, name);
      }
    }
    assert.equal(sharedPoolMember("c1--default-web-TCP-80", "c1", "default", "dns"), undefined, "not a shared pool");
    assert.equal(sharedPoolMember("c2--default-web-dns-TCP-80", "c1", "default", "dns"), undefined, "another cluster");
    assert.equal(sharedPoolMember("c1--default-web-dns-TCP-80", "c1", "other", "dns"), undefined, "another namespace");
    assert.equal(sharedPoolMember("c1--default--dns-TCP-80", "c1", "default", "dns"), undefined, "no Service name");
    assert.equal(sharedPoolMember("c1--default-web-dns-HTTP-80", "c1", "default", "dns"), undefined);
  });

  it("takes the VIP the members agree on and refuses members that disagree, and their source ranges", () => {
    const at = (addr: string) => ({
      preferredVip: { address: addr, from: "annotation ako.vmware.com/load-balancer-ip" },
    });
    assert.equal(
      agreedVip([member(dns("a", "TCP", at("10.0.0.5")), 0), member(dns("b", "UDP"), 1)]).address,
      "10.0.0.5",
    );
    const split = agreedVip([member(dns("a", "TCP", at("10.0.0.5")), 0), member(dns("b", "UDP", at("10.0.0.6")), 1)]);
    assert.deepEqual(props(split.failures), ["members[1].service"]);
    const ranges = (r: string[]) => ({ sourceRanges: { ranges: r, from: "spec.loadBalancerSourceRanges" } });
    const targets = [dns("a", "TCP", ranges(["10.0.0.0/8"])), dns("b", "UDP", ranges(["10.0.0.0/16"]))].map(
      (svc, i): L4Target => ({ ...member(svc, i), args: {} }),
    );
    const r = resolveL4(targets);
    assert.deepEqual(props(r.failures), ["members[1].service"]);
    assert.match(r.failures[0]!.reason, /one VIP has one policy/);
    assert.deepEqual(
      resolveL4(targets, { sourceRanges: ["10.0.0.0/8"] }).failures,
      [],
      "the group's argument settles it",
    );
  });
});
