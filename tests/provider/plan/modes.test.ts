// The node-port modes as plain data (provider/plan): label selectors as kubectl reads them, NodePort's node choice
// (selector, exclude label, NotReady and cordoned nodes, externalTrafficPolicy Local), the Services it refuses, and
// NodePortLocal's annotation in every format Antrea wrote.
import * as assert from "node:assert/strict";
import {
  excludedFromLoadBalancers,
  gatesWaiting,
  matchesSelector,
  type NodePlacement,
  parseNplAnnotation,
  parseSelector,
  planGates,
  planServicePools,
  type ServicePlacement,
  selectorText,
} from "../../../provider/plan";

const node = (name: string, ip: string, extra: Partial<NodePlacement> = {}): NodePlacement => ({
  name,
  podCidrs: [],
  addresses: { ipv4: ip },
  source: "default",
  labels: {},
  ready: true,
  unschedulable: false,
  ...extra,
});

const NODES = [node("node1", "10.100.1.101"), node("node2", "10.100.1.102")];

function web(extra: Partial<ServicePlacement> = {}, endpoints?: ServicePlacement["ports"][0]["endpoints"]) {
  const svc: ServicePlacement = {
    namespace: "default",
    name: "web",
    type: "LoadBalancer",
    ports: [
      {
        port: 80,
        protocol: "TCP",
        targetPort: 8080,
        nodePort: 30080,
        endpoints: endpoints ?? [
          {
            family: "ipv4" as const,
            ip: "192.168.101.13",
            port: 8080,
            node: "node1",
            ready: true,
            serving: true,
            terminating: false,
            pod: { namespace: "default", name: "web-a" },
          },
          {
            family: "ipv4" as const,
            ip: "192.168.102.17",
            port: 8080,
            node: "node2",
            ready: true,
            serving: true,
            terminating: false,
            pod: { namespace: "default", name: "web-c" },
          },
        ],
      },
    ],
    ...extra,
  } as ServicePlacement;
  return svc;
}

const servers = (svc: ServicePlacement, nodes: NodePlacement[], selector?: string) => {
  const parsed = selector ? parseSelector(selector) : undefined;
  const r = planServicePools("c1", svc, undefined, {
    mode: "nodeport",
    nodes,
    ...(parsed?.ok ? { nodeSelector: parsed.requirements } : {}),
  });
  return { r, list: r.pools[0]!.servers.map((s) => `${s.ip}:${s.port}${s.enabled ? "" : " disabled"}`) };
};

describe("provider/plan label selectors", () => {
  it("parses and matches key=value, key in (a,b), !key, notin and exists as kubectl does", () => {
    const labels = { zone: "a", tier: "edge" };
    const m = (sel: string, l: Record<string, string> = labels) => {
      const p = parseSelector(sel);
      assert.ok(p.ok, sel);
      return matchesSelector(p.requirements, l);
    };
    assert.equal(m("zone=a"), true);
    assert.equal(m("zone==b"), false);
    assert.equal(m("zone in (a, b),tier"), true);
    assert.equal(m("zone notin (a)"), false);
    assert.equal(m("!gpu"), true);
    assert.equal(m("!tier"), false);
    assert.equal(m("zone!=b"), true);
    assert.equal(m(""), true, "the empty selector selects everything");
    const p = parseSelector("tier, zone in (b,a)");
    assert.ok(p.ok);
    assert.equal(selectorText(p.requirements), "tier,zone in (a,b)");
  });

  it("refuses a malformed selector with the column and the rule", () => {
    const bad = (sel: string, re: RegExp) => {
      const p = parseSelector(sel);
      assert.equal(p.ok, false, sel);
      if (!p.ok) assert.match(p.error, re);
    };
    bad("zone in a,b", /needs a list in parentheses/);
    bad("zone=a,", /a requirement was expected after ','/);
    bad("-bad=x", /not a label key/);
    bad("zone=a b", /',' was expected between requirements/);
  });
});

describe("provider/plan mode nodeport", () => {
  it("gives one server per node at node address : nodePort, no routes to plan", () => {
    const { r, list } = servers(web(), NODES);
    assert.deepEqual(list, ["10.100.1.101:30080", "10.100.1.102:30080"]);
    assert.deepEqual(r.failures, []);
    assert.equal(r.pools[0]!.name, "c1--default-web-TCP-80", "the same pool name as in clusterip");
  });

  it("keeps NotReady and cordoned nodes disabled, leaves out excluded and unselected ones", () => {
    const nodes = [
      node("node1", "10.100.1.101", { ready: false }),
      node("node2", "10.100.1.102", { unschedulable: true }),
      node("node3", "10.100.1.103", { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } }),
      node("node4", "10.100.1.104", { labels: { pool: "edge" } }),
      node("node5", "10.100.1.105", { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "false" } }),
    ];
    assert.deepEqual(servers(web(), nodes).list, [
      "10.100.1.101:30080 disabled",
      "10.100.1.102:30080 disabled",
      "10.100.1.104:30080",
      "10.100.1.105:30080",
    ]);
    assert.deepEqual(servers(web(), nodes, "pool in (edge)").list, ["10.100.1.104:30080"]);
    assert.equal(excludedFromLoadBalancers({ "node.kubernetes.io/exclude-from-external-load-balancers": "yes" }), true);
    assert.equal(
      excludedFromLoadBalancers({ "node.kubernetes.io/exclude-from-external-load-balancers": "False" }),
      false,
    );
  });

  it("externalTrafficPolicy Local: only nodes with a ready or serving endpoint, and the healthCheckNodePort", () => {
    const eps = [
      {
        family: "ipv4" as const,
        ip: "192.168.101.13",
        port: 8080,
        node: "node1",
        ready: false,
        serving: true,
        terminating: true,
        pod: { namespace: "default", name: "a" },
      },
      {
        family: "ipv4" as const,
        ip: "192.168.102.17",
        port: 8080,
        node: "node2",
        ready: true,
        serving: true,
        terminating: false,
        pod: { namespace: "default", name: "c" },
      },
    ];
    const three = [...NODES, node("node3", "10.100.1.103")];
    const { r, list } = servers(web({ externalTrafficPolicy: "Local", healthCheckNodePort: 31999 }, eps), three);
    assert.deepEqual(list, ["10.100.1.101:30080 disabled", "10.100.1.102:30080"], "node3 has no endpoint: out");
    assert.equal(r.pools[0]!.healthCheckNodePort, 31999);
    assert.equal(servers(web({}, eps), three).r.pools[0]!.healthCheckNodePort, undefined, "Cluster: none");
  });

  it("refuses Services without node ports, naming the Service and the fix", () => {
    const reason = (svc: ServicePlacement) =>
      planServicePools("c1", svc, undefined, { mode: "nodeport", nodes: NODES }).failures.map((f) => f.reason);
    assert.match(reason(web({ type: "ClusterIP" }))[0]!, /Service default\/web is of type ClusterIP.*set spec\.type/);
    assert.match(
      reason(web({ allocateLoadBalancerNodePorts: false }))[0]!,
      /Service default\/web sets spec\.allocateLoadBalancerNodePorts: false.*remove the field/,
    );
  });

  it("dual stack: a server per family the Service has, where the node has an address of it", () => {
    const nodes = [
      node("node1", "10.100.1.101", { addresses: { ipv4: "10.100.1.101", ipv6: "fd00::101" } }),
      node("node2", "10.100.1.102"),
    ];
    const { r, list } = servers(web({ ipFamilies: ["ipv4", "ipv6"] }), nodes);
    assert.deepEqual(list, ["10.100.1.101:30080", "10.100.1.102:30080", "fd00::101:30080"]);
    assert.ok(r.conflicts.some((c) => c.kind === "no-address-for-family" && c.node === "node2"));
  });
});

describe("provider/plan mode nodeportlocal", () => {
  it("reads Antrea 2.x, 1.7 and 1.4 annotations, ignoring unknown fields", () => {
    const v2 = parseNplAnnotation(
      '[{"podPort":8080,"nodeIP":"10.0.0.1","nodePort":61002,"protocol":"tcp","ipFamily":"IPv4"}]',
    );
    assert.deepEqual(v2.entries, [{ podPort: 8080, nodeIP: "10.0.0.1", nodePort: 61002, protocols: ["tcp"] }]);
    const v14 = parseNplAnnotation('[{"podPort":53,"nodeIP":"10.0.0.1","nodePort":61003,"protocols":["udp","tcp"]}]');
    assert.deepEqual(v14.entries[0]?.protocols, ["tcp", "udp"]);
    assert.equal(parseNplAnnotation("{").error, "is not JSON");
    assert.equal(parseNplAnnotation('[{"podPort":0,"nodeIP":"x","nodePort":1,"protocol":"tcp"}]').skipped, 1);
  });

  it("matches target port and protocol; a pod without the annotation is reported, not guessed", () => {
    const svc = web(
      {
        type: "ClusterIP",
        nodePortLocalEnabled: true,
        podAnnotations: {
          "web-a": JSON.stringify([
            { podPort: 8080, nodeIP: "10.100.1.101", nodePort: 61000, protocol: "tcp" },
            { podPort: 8080, nodeIP: "10.100.1.101", nodePort: 61005, protocol: "udp" },
          ]),
          "web-c": null,
        },
      },
      undefined,
    );
    const r = planServicePools("c1", svc, undefined, { mode: "nodeportlocal" });
    assert.deepEqual(
      r.pools[0]!.servers.map((s) => `${s.ip}:${s.port} ${s.pod}`),
      ["10.100.1.101:61000 web-a"],
      "the UDP entry of the same pod port is not a TCP server",
    );
    assert.ok(
      r.conflicts.some((c) => c.kind === "node-port-local-pending" && /web-c carries no nodeportlocal/.test(c.message)),
    );
    assert.deepEqual(r.failures, []);
    const off = planServicePools("c1", { ...svc, nodePortLocalEnabled: false }, undefined, { mode: "nodeportlocal" });
    assert.match(off.failures[0]!.reason, /lacks the annotation nodeportlocal\.antrea\.io\/enabled.*annotateService/);
  });
});

describe("provider/plan: the readiness gate avi-k8s.io/pool-member in the node-port modes", () => {
  const gated = (name: string, nodeName: string, ip: string, containersReady: boolean) => ({
    family: "ipv4" as const,
    ip,
    port: 8080,
    node: nodeName,
    ready: false,
    serving: false,
    terminating: false,
    pod: { namespace: "default", name, uid: `uid-${name}` },
    readinessGate: { containersReady, status: "" as const },
  });

  it("nodeport Local: a gated pod's node joins once its containers are ready, and its gate is set via that node", () => {
    const svc = web({ externalTrafficPolicy: "Local", healthCheckNodePort: 31000 }, [
      gated("web-a", "node1", "192.168.101.13", true),
      gated("web-c", "node2", "192.168.102.17", false),
    ]);
    const pool = planServicePools("c1", svc, undefined, { mode: "nodeport", nodes: NODES }).pools[0]!;
    // Judged by the endpoint alone (not ready: the gate is part of Ready) node1 would never join, nor the gate turn.
    assert.deepEqual(
      pool.servers.map((s) => `${s.ip}:${s.port}:${s.enabled}`),
      ["10.100.1.101:30080:true"],
    );
    assert.deepEqual(pool.gatedPods, [
      { pod: "web-a", podUid: "uid-web-a", status: "", node: "node1" },
      { pod: "web-c", podUid: "uid-web-c", status: "", node: "node2" },
    ]);
    const changes = planGates([pool]);
    assert.deepEqual(
      changes.map((g) => [g.pod, g.status, g.uid]),
      [["web-a", "True", "uid-web-a"]],
    );
    assert.match(changes[0]!.message, /via node node1 10\.100\.1\.101:30080/);
    assert.equal(gatesWaiting(pool), true, "web-c still waits for its containers: the Service is looked at again");
  });

  it("nodeport Cluster: a gated pod's gate is set once any node's server is enabled", () => {
    const svc = web({}, [gated("web-a", "node1", "192.168.101.13", false)]);
    const pool = planServicePools("c1", svc, undefined, { mode: "nodeport", nodes: NODES }).pools[0]!;
    assert.deepEqual(
      planGates([pool]).map((g) => [g.pod, g.status]),
      [["web-a", "True"]],
    );
    assert.equal(gatesWaiting(pool), false);
  });

  it("nodeportlocal: a gated pod's server is enabled from its containers' readiness and carries the gate", () => {
    const svc = web(
      {
        nodePortLocalEnabled: true,
        hasSelector: true,
        podAnnotations: {
          "web-a": JSON.stringify([{ podPort: 8080, nodeIP: "10.100.1.101", nodePort: 61001, protocol: "tcp" }]),
          "web-c": JSON.stringify([{ podPort: 8080, nodeIP: "10.100.1.102", nodePort: 61002, protocol: "tcp" }]),
        },
      },
      [gated("web-a", "node1", "192.168.101.13", true), gated("web-c", "node2", "192.168.102.17", false)],
    );
    const pool = planServicePools("c1", svc, undefined, { mode: "nodeportlocal" }).pools[0]!;
    assert.deepEqual(
      pool.servers.map((s) => `${s.ip}:${s.port}:${s.enabled}:${s.gate?.podUid}`),
      ["10.100.1.101:61001:true:uid-web-a", "10.100.1.102:61002:false:uid-web-c"],
    );
    assert.deepEqual(
      planGates([pool]).map((g) => [g.pod, g.status]),
      [["web-a", "True"]],
    );
    assert.equal(gatesWaiting(pool), true);
  });
});
