import * as assert from "node:assert/strict";
import { calicoBlocks, chooseNextHops, ciliumCidrs, ovnPodCidrs, podCidrsFor } from "../../../provider/kube";
import type { RawNode } from "../../../provider/kube/raw";
import { parseCidr } from "../../../provider/plan";

function node(name: string, over: Partial<RawNode> & { annotations?: Record<string, string> } = {}): RawNode {
  return {
    metadata: { name, annotations: over.annotations ?? {} },
    spec: over.spec ?? {},
    status: over.status ?? { addresses: [{ type: "InternalIP", address: "10.100.1.101" }] },
  };
}

const nets = (...c: string[]) => c.map((x) => parseCidr(x)).filter((x) => x !== undefined);

describe("pod CIDR sources", () => {
  it("default: spec.podCIDRs, the older spec.podCIDR, and the ako.vmware.com/pod-cidrs override", () => {
    assert.deepEqual(
      podCidrsFor(node("a", { spec: { podCIDRs: ["10.1.0.0/24", "fd00::/64"] } }), "default", {}).cidrs,
      ["10.1.0.0/24", "fd00::/64"],
    );
    assert.deepEqual(podCidrsFor(node("a", { spec: { podCIDR: "10.2.0.0/24" } }), "flannel", {}).cidrs, [
      "10.2.0.0/24",
    ]);
    const overridden = podCidrsFor(
      node("a", {
        spec: { podCIDRs: ["10.1.0.0/24"] },
        annotations: { "ako.vmware.com/pod-cidrs": " 10.9.0.0/25, 10.9.0.128/25 " },
      }),
      "default",
      {},
    );
    assert.deepEqual(overridden.cidrs, ["10.9.0.0/25", "10.9.0.128/25"]);
    assert.match(overridden.from, /ako\.vmware\.com\/pod-cidrs/);
  });

  it("ovn-kubernetes: both the old string and the current list form, and a clear error for bad JSON", () => {
    const old = node("a", { annotations: { "k8s.ovn.org/node-subnets": '{"default":"10.128.0.0/23"}' } });
    const cur = node("b", {
      annotations: { "k8s.ovn.org/node-subnets": '{"default":["10.130.0.0/23","fd01:0:0:2::/64"]}' },
    });
    assert.deepEqual(ovnPodCidrs(old).cidrs, ["10.128.0.0/23"]);
    assert.deepEqual(podCidrsFor(cur, "ovn-kubernetes", {}).cidrs, ["10.130.0.0/23", "fd01:0:0:2::/64"]);
    const bad = ovnPodCidrs(node("c", { annotations: { "k8s.ovn.org/node-subnets": "{default:" } }));
    assert.deepEqual(bad.cidrs, []);
    assert.match(bad.error ?? "", /Node c .*not JSON/);
  });

  it("calico: many blocks per node, skipping deleted and unconfirmed affinities", () => {
    const blocks = calicoBlocks([
      { spec: { node: "n1", cidr: "10.0.0.0/26", state: "confirmed", deleted: "false" } },
      { spec: { node: "n1", cidr: "10.0.0.64/26", state: "confirmed", deleted: "false" } },
      { spec: { node: "n1", cidr: "10.0.0.128/26", state: "pendingDeletion", deleted: "true" } },
      { spec: { node: "n2", cidr: "10.0.1.0/26", state: "pending", deleted: "false" } },
      { spec: { node: "n2", cidr: "10.0.1.64/26", deleted: true } },
      { spec: { node: "n2", cidr: "10.0.1.128/26" } },
    ]);
    assert.deepEqual(blocks.byNode.get("n1"), ["10.0.0.0/26", "10.0.0.64/26"]);
    assert.deepEqual(blocks.byNode.get("n2"), ["10.0.1.128/26"]);
    assert.equal(blocks.skipped, 3);
    assert.deepEqual(podCidrsFor(node("n1"), "calico", { calico: blocks }).cidrs, ["10.0.0.0/26", "10.0.0.64/26"]);
  });

  it("cilium: CiliumNode spec.ipam.podCIDRs by node name", () => {
    const byNode = ciliumCidrs([
      { metadata: { name: "n1" }, spec: { ipam: { podCIDRs: ["10.244.1.0/24"] } } },
      { metadata: { name: "n2" }, spec: { ipam: {} } },
    ]);
    assert.deepEqual(podCidrsFor(node("n1"), "cilium", { cilium: byNode }).cidrs, ["10.244.1.0/24"]);
    assert.deepEqual(podCidrsFor(node("n2"), "cilium", { cilium: byNode }).cidrs, []);
  });
});

describe("next hops", () => {
  const multiNic = node("n1", {
    annotations: {
      "projectcalico.org/IPv4Address": "10.100.2.101/24",
      "projectcalico.org/IPv6Address": "fd00:10:100:2::101/64",
      "node.antrea.io/transport-addresses": "10.100.3.101,fd00:3::101",
    },
    status: {
      addresses: [
        { type: "Hostname", address: "n1" },
        { type: "InternalIP", address: "10.100.1.101" },
        { type: "InternalIP", address: "fd00:10:100:1::101" },
        { type: "InternalIP", address: "172.16.0.101" },
        { type: "ExternalIP", address: "203.0.113.7" },
      ],
    },
  });

  it("uses the first InternalIP of each family by default, whatever the CNI annotations say", () => {
    const h = chooseNextHops(multiNic, "default", []);
    assert.deepEqual(h.addresses, { ipv4: "10.100.1.101", ipv6: "fd00:10:100:1::101" });
    assert.equal(h.addressSources.ipv4, "InternalIP");
  });

  it("prefers calico's and antrea's address annotations (calico's mask stripped)", () => {
    assert.deepEqual(chooseNextHops(multiNic, "calico", []).addresses, {
      ipv4: "10.100.2.101",
      ipv6: "fd00:10:100:2::101",
    });
    assert.deepEqual(chooseNextHops(multiNic, "antrea", []).addresses, { ipv4: "10.100.3.101", ipv6: "fd00:3::101" });
  });

  it("with node networks, picks the address inside them and keeps the default for a family without one", () => {
    const h = chooseNextHops(multiNic, "default", nets("172.16.0.0/16"));
    assert.deepEqual(h.addresses, { ipv4: "172.16.0.101", ipv6: "fd00:10:100:1::101" });
    assert.match(h.addressSources.ipv4 ?? "", /172\.16\.0\.0\/16/);
    assert.equal(chooseNextHops(multiNic, "default", nets("203.0.113.0/24")).addresses.ipv4, "203.0.113.7");
  });

  it("with node networks matching none of the node's addresses, leaves the family empty and says why", () => {
    const h = chooseNextHops(multiNic, "default", nets("192.0.2.0/24"));
    assert.equal(h.addresses.ipv4, undefined);
    assert.match(h.notes[0] ?? "", /Node n1 has no IPv4 address inside the node networks 192\.0\.2\.0\/24/);
  });
});
