import * as assert from "node:assert/strict";
import { login, type Session, useEmulator } from "./http";
import { assertRefused, creates, refuses } from "./rules";

const ALLOW = "NETWORK_SECURITY_POLICY_ACTION_TYPE_ALLOW";
const DENY = "NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY";

function prefix(addr: string, mask: number, type = "V4") {
  return { ip_addr: { addr, type }, mask };
}

/** The allow-list a loadBalancerSourceRanges maps to: allow the ranges, deny everyone else. */
function sourceRanges(name: string, ...cidrs: [string, number][]) {
  return {
    name,
    rules: [
      {
        name: "allow-source-ranges",
        index: 1,
        enable: true,
        action: ALLOW,
        match: { client_ip: { match_criteria: "IS_IN", prefixes: cidrs.map(([a, m]) => prefix(a, m)) } },
      },
      {
        name: "deny-others",
        index: 2,
        enable: true,
        action: DENY,
        match: { client_ip: { match_criteria: "IS_NOT_IN", prefixes: cidrs.map(([a, m]) => prefix(a, m)) } },
      },
    ],
  };
}

function withRule(name: string, rule: object) {
  const base = sourceRanges(name, ["10.0.0.0", 8]);
  return { name, rules: [{ ...base.rules[0], ...rule }] };
}

describe("Avi emulator: network security policies and L4 policy sets", () => {
  const emu = useEmulator();
  let s: Session;
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "30.2.1" });
  });

  it("stores a source-range allow-list and its rules as sent", async () => {
    const nsp = await creates(
      s,
      "networksecuritypolicy",
      sourceRanges("web-ranges", ["10.0.0.0", 8], ["192.0.2.0", 24]),
    );
    assert.match(nsp.uuid, /^networksecuritypolicy-/);
    const got = (await s.call("GET", `/api/networksecuritypolicy/${nsp.uuid}`)).json;
    assert.deepEqual(
      got.rules.map((r: { index: number; action: string }) => [r.index, r.action]),
      [
        [1, ALLOW],
        [2, DENY],
      ],
    );
    assert.deepEqual(got.rules[0].match.client_ip.prefixes[1], prefix("192.0.2.0", 24));
  });

  it("requires each rule's name, index, enable, action and match (NetworkSecurityRule.required)", async () => {
    for (const field of ["name", "index", "enable", "action", "match"]) {
      const body = withRule(`nsp-no-${field}`, {});
      delete (body.rules[0] as Record<string, unknown>)[field];
      await refuses(s, "networksecuritypolicy", body, new RegExp(`Field rules\\[0\\]\\.${field} is required`));
    }
  });

  it("refuses an unknown action or match criteria, and a malformed client prefix or address", async () => {
    const nsp = "networksecuritypolicy";
    await refuses(
      s,
      nsp,
      withRule("nsp-action", { action: "NETWORK_SECURITY_POLICY_ACTION_TYPE_DROP" }),
      /Invalid value NETWORK_SECURITY_POLICY_ACTION_TYPE_DROP for field rules\[0\].action: allowed values are NETWORK_SECURITY_POLICY_ACTION_TYPE_ALLOW, NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY, NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-criteria", {
        match: { client_ip: { match_criteria: "CONTAINS", prefixes: [prefix("10.0.0.0", 8)] } },
      }),
      /field rules\[0\].match.client_ip.match_criteria: allowed values are IS_IN, IS_NOT_IN/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-no-criteria", { match: { client_ip: { prefixes: [prefix("10.0.0.0", 8)] } } }),
      /Field rules\[0\].match.client_ip.match_criteria is required/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-mask", { match: { client_ip: { match_criteria: "IS_IN", prefixes: [prefix("10.0.0.0", 33)] } } }),
      /Invalid value 33 for field rules\[0\].match.client_ip.prefixes\[0\].mask: allowed values are 0-32/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-addr", { match: { client_ip: { match_criteria: "IS_IN", prefixes: [prefix("10.0.0.300", 24)] } } }),
      /Invalid value 10.0.0.300 for field rules\[0\].match.client_ip.prefixes\[0\].ip_addr: not an IPV4 address/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-v6", {
        match: { client_ip: { match_criteria: "IS_IN", addrs: [{ addr: "10.1.1.1", type: "V6" }] } },
      }),
      /field rules\[0\].match.client_ip.addrs\[0\]: not an IPV6 address/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-empty", { match: { client_ip: { match_criteria: "IS_IN" } } }),
      /Field rules\[0\].match.client_ip needs at least one of addrs, prefixes, ranges or group_refs/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-port", { match: { vs_port: { match_criteria: "IS_IN", ports: [0] } } }),
      /field rules\[0\].match.vs_port.ports\[0\]: allowed values are 1-65535/,
    );
    await refuses(
      s,
      nsp,
      withRule("nsp-rl", { action: "NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT" }),
      /Field rules\[0\].rl_param is required with NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT/,
    );
  });

  it("refuses two rules with one index", async () => {
    const body = sourceRanges("nsp-dup", ["10.0.0.0", 8]);
    body.rules[1].index = 1;
    await refuses(s, "networksecuritypolicy", body, /Field rules\[1\].index: index 1 is used by another rule/);
  });

  it("is referenced from virtualservice.network_security_policy_ref, which must exist, and cannot be deleted while used", async () => {
    const nsp = await creates(s, "networksecuritypolicy", sourceRanges("vs-ranges", ["10.0.0.0", 8]));
    const vip = await creates(s, "vsvip", {
      name: "nsp-vip",
      vip: [{ ip_address: { addr: "10.10.10.71", type: "V4" } }],
    });
    const body = {
      name: "nsp-vs",
      vsvip_ref: vip.url,
      services: [{ port: 80 }],
      application_profile_ref: "/api/applicationprofile?name=System-L4-Application",
    };
    await refuses(
      s,
      "virtualservice",
      { ...body, network_security_policy_ref: "/api/networksecuritypolicy?name=nope" },
      /NetworkSecurityPolicy object not found/,
    );
    const vs = await creates(s, "virtualservice", {
      ...body,
      network_security_policy_ref: "/api/networksecuritypolicy?name=vs-ranges",
    });
    assert.match(vs.network_security_policy_ref, new RegExp(`/api/networksecuritypolicy/${nsp.uuid}#vs-ranges$`));
    assertRefused(
      await s.call("DELETE", `/api/networksecuritypolicy/${nsp.uuid}`),
      /Cannot delete, object is referred by: \['VirtualService nsp-vs'\]/,
      403,
    );
    const { network_security_policy_ref: _drop, ...rest } = (await s.call("GET", `/api/virtualservice/${vs.uuid}`))
      .json;
    assert.equal(
      (await s.call("PUT", `/api/virtualservice/${vs.uuid}`, rest)).status,
      200,
      "removing the ref frees the policy",
    );
    assert.equal((await s.call("DELETE", `/api/networksecuritypolicy/${nsp.uuid}`)).status, 204);
  });

  it("stores AKO's L4 policy set shape (rule named after its pool ref) with the controller's defaults", async () => {
    const pool = await creates(s, "pool", { name: "c--ns-svc-TCP-80" });
    const ps = await creates(s, "l4policyset", {
      name: "c--ns-svc",
      created_by: "ako-c",
      l4_connection_policy: {
        rules: [
          {
            name: "/api/pool?name=c--ns-svc-TCP-80",
            index: 0,
            action: {
              select_pool: { action_type: "L4_RULE_ACTION_SELECT_POOL", pool_ref: "/api/pool?name=c--ns-svc-TCP-80" },
            },
            match: {
              port: { ports: [80], match_criteria: "IS_IN" },
              protocol: { match_criteria: "IS_IN", protocol: "PROTOCOL_TCP" },
            },
          },
        ],
      },
    });
    const rule = ps.l4_connection_policy.rules[0];
    assert.equal(rule.enable, true);
    assert.equal(ps.is_internal_policy, false);
    assert.match(rule.action.select_pool.pool_ref, new RegExp(`/api/pool/${pool.uuid}#c--ns-svc-TCP-80$`));
    assert.equal(rule.name, "/api/pool?name=c--ns-svc-TCP-80", "a rule name is not a ref");
  });

  it("refuses an L4 rule with an unknown protocol or action, or a pool that does not exist", async () => {
    const rule = (over: object) => ({
      name: "r",
      index: 0,
      action: {
        select_pool: { action_type: "L4_RULE_ACTION_SELECT_POOL", pool_ref: "/api/pool?name=c--ns-svc-TCP-80" },
      },
      match: { protocol: { match_criteria: "IS_IN", protocol: "PROTOCOL_TCP" } },
      ...over,
    });
    const l4 = "l4policyset";
    await refuses(
      s,
      l4,
      {
        name: "l4-proto",
        l4_connection_policy: {
          rules: [rule({ match: { protocol: { match_criteria: "IS_IN", protocol: "PROTOCOL_QUIC" } } })],
        },
      },
      /field l4_connection_policy.rules\[0\].match.protocol.protocol: allowed values are PROTOCOL_ICMP, PROTOCOL_TCP, PROTOCOL_UDP, PROTOCOL_SCTP/,
    );
    await refuses(
      s,
      l4,
      { name: "l4-action", l4_connection_policy: { rules: [rule({ action: { select_pool: {} } })] } },
      /Field l4_connection_policy.rules\[0\].action.select_pool.action_type is required/,
    );
    await refuses(
      s,
      l4,
      {
        name: "l4-pool",
        l4_connection_policy: {
          rules: [
            rule({
              action: { select_pool: { action_type: "L4_RULE_ACTION_SELECT_POOL", pool_ref: "/api/pool?name=nope" } },
            }),
          ],
        },
      },
      /Pool object not found/,
    );
    await refuses(
      s,
      l4,
      { name: "l4-index", l4_connection_policy: { rules: [{ name: "r" }] } },
      /Field l4_connection_policy.rules\[0\].index is required/,
    );
  });
});
