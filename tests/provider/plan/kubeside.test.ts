// provider/plan/kubeside.ts and servesTraffic: whose Service it is (loadBalancerClass), what its
// status.loadBalancer.ingress should say, and which pods' readiness gate to set; pure functions on plain data.
import * as assert from "node:assert/strict";
import {
  classRefusal,
  DEFAULT_LOAD_BALANCER_CLASS,
  desiredIngress,
  ingressMatches,
  ipModeKnown,
  parseKubeVersion,
  planGates,
  planPools,
  servesTraffic,
  validateLoadBalancerClass,
} from "../../../provider/plan";
import type { DesiredServer, EndpointPlacement, ServicePlacement } from "../../../provider/plan/types";

describe("provider/plan: the Service's own side", () => {
  it("has its own default class, refuses AKO's as ours, and validates a class as Kubernetes does", () => {
    assert.equal(DEFAULT_LOAD_BALANCER_CLASS, "avi-k8s.io/lb");
    assert.equal(validateLoadBalancerClass("avi-k8s.io/lb"), undefined);
    assert.equal(validateLoadBalancerClass("example.com/my-lb"), undefined);
    assert.match(validateLoadBalancerClass("ako.vmware.com/avi-lb") ?? "", /is AKO's class/);
    assert.match(validateLoadBalancerClass("a/b/c") ?? "", /not a label-style name/);
    assert.match(validateLoadBalancerClass("Bad_Prefix/x") ?? "", /not a label-style name/);
    assert.match(validateLoadBalancerClass("") ?? "", /non-empty/);
    assert.match(validateLoadBalancerClass(3, "--load-balancer-class") ?? "", /^--load-balancer-class must/);
  });

  it("serves a Service without a class or with ours, and refuses another class naming it", () => {
    const svc = { namespace: "default", name: "web" };
    assert.equal(classRefusal(svc, "avi-k8s.io/lb"), undefined);
    assert.equal(classRefusal({ ...svc, loadBalancerClass: "avi-k8s.io/lb" }, "avi-k8s.io/lb"), undefined);
    const metallb = classRefusal({ ...svc, loadBalancerClass: "metallb.io/metallb" }, "avi-k8s.io/lb");
    assert.match(
      metallb ?? "",
      /^Service default\/web has spec\.loadBalancerClass metallb\.io\/metallb, so it belongs/,
    );
    assert.match(metallb ?? "", /left untouched/);
    assert.match(classRefusal({ ...svc, loadBalancerClass: "ako.vmware.com/avi-lb" }, "x.io/y") ?? "", /\(AKO's\)/);
    assert.equal(classRefusal({ ...svc, loadBalancerClass: "x.io/y" }, "x.io/y"), undefined);
  });

  it("reads /version as distributions write it, and knows ipMode from 1.29 on", () => {
    assert.deepEqual(parseKubeVersion({ major: "1", minor: "29+" }), { major: 1, minor: 29 });
    assert.deepEqual(parseKubeVersion({ major: "", minor: "", gitVersion: "v1.31.2-gke.1" }), { major: 1, minor: 31 });
    assert.equal(parseKubeVersion({}), undefined);
    assert.equal(ipModeKnown({ major: 1, minor: 28 }), false);
    assert.equal(ipModeKnown({ major: 1, minor: 29 }), true);
    assert.equal(ipModeKnown(undefined), false);
  });

  it("writes one ingress entry per address in the Service's family order, with ipMode VIP where known", () => {
    const v132 = { major: 1, minor: 32 };
    assert.deepEqual(desiredIngress(["10.10.10.50"], { version: v132 }), [{ ip: "10.10.10.50", ipMode: "VIP" }]);
    assert.deepEqual(desiredIngress(["10.10.10.50"], { version: { major: 1, minor: 27 } }), [{ ip: "10.10.10.50" }]);
    assert.deepEqual(
      desiredIngress(["10.10.10.50", "fd00::50", "10.10.10.50", "junk"], { families: ["ipv6", "ipv4"] }),
      [{ ip: "fd00::50" }, { ip: "10.10.10.50" }],
    );
  });

  it("takes an ingress the server defaulted or dropped ipMode on as the same, anything else as different", () => {
    const want = desiredIngress(["10.10.10.50"], { version: { major: 1, minor: 32 } });
    assert.equal(ingressMatches([{ ip: "10.10.10.50", ipMode: "VIP" }], want), true);
    assert.equal(ingressMatches([{ ip: "10.10.10.50" }], want), true);
    assert.equal(ingressMatches(undefined, want), false);
    assert.equal(ingressMatches([{ ip: "10.10.10.51" }], want), false);
    assert.equal(ingressMatches([{ ip: "10.10.10.50", ipMode: "Proxy" }], want), false);
    assert.equal(ingressMatches([{ ip: "10.10.10.50", hostname: "lb.example.com" }], want), false);
    assert.equal(ingressMatches([{ ip: "10.10.10.50" }, { ip: "10.10.10.51" }], want), false);
  });
});

describe("provider/plan: the readiness gate", () => {
  const ep = (over: Partial<EndpointPlacement> = {}): EndpointPlacement => ({
    ip: "192.168.101.13",
    family: "ipv4",
    port: 8080,
    node: "node1",
    ready: false,
    serving: false,
    terminating: false,
    pod: { namespace: "default", name: "web-a", uid: "u-a" },
    ...over,
  });

  it("enables a gated pod's server from its containers' readiness (no deadlock), never a terminating one", () => {
    assert.equal(servesTraffic(ep({ ready: true, serving: true })), true);
    assert.equal(servesTraffic(ep({})), false);
    assert.equal(servesTraffic(ep({ readinessGate: { containersReady: true, status: "" } })), true);
    assert.equal(servesTraffic(ep({ readinessGate: { containersReady: false, status: "" } })), false);
    assert.equal(
      servesTraffic(ep({ terminating: true, readinessGate: { containersReady: true, status: "True" } })),
      false,
    );
    const svc: ServicePlacement = {
      namespace: "default",
      name: "web",
      ports: [
        {
          port: 80,
          protocol: "TCP",
          targetPort: 8080,
          endpoints: [ep({ readinessGate: { containersReady: true, status: "" } })],
        },
      ],
    } as ServicePlacement;
    const [pool] = planPools("c1", svc);
    assert.deepEqual(pool?.servers, [
      {
        ip: "192.168.101.13",
        port: 8080,
        enabled: true,
        node: "node1",
        pod: "web-a",
        gate: { status: "", podUid: "u-a" },
      },
    ]);
  });

  it("sets True for a gated pod whose servers are all enabled, False only to take a True back", () => {
    const s = (pod: string, enabled: boolean, status: "" | "True" | "False"): DesiredServer => ({
      ip: `192.168.101.${pod.length}`,
      port: 8080,
      enabled,
      pod,
      gate: { status, podUid: `uid-${pod}` },
    });
    const changes = planGates([
      {
        name: "p80",
        servers: [
          s("new", true, ""),
          s("up", true, "True"),
          s("down", false, "True"),
          s("waiting", false, ""),
          { ip: "192.168.101.9", port: 8080, enabled: true, pod: "ungated" },
        ],
      },
      { name: "p443", servers: [{ ...s("new", true, ""), port: 8443 }] },
    ]);
    assert.deepEqual(
      changes.map((c) => `${c.pod} ${c.status} ${c.reason} ${c.uid}`),
      ["down False ServerDisabled uid-down", "new True ServerEnabled uid-new"],
    );
    assert.match(
      changes[1]?.message ?? "",
      /^Enabled in pool p80 as 192\.168\.101\.3:8080, p443 as 192\.168\.101\.3:8443\.$/,
    );
    // A pod enabled in one pool and disabled in another is not a member yet.
    assert.deepEqual(
      planGates([
        { name: "a", servers: [s("x", true, "")] },
        { name: "b", servers: [s("x", false, "")] },
      ]),
      [],
    );
  });
});
