// Objects a pool or virtual service points at for stickiness, access control and port-to-pool selection:
// ApplicationPersistenceProfile, NetworkSecurityPolicy and L4PolicySet (alb-sdk swagger/<Type>.json, API 30.2.1).
import { isIP } from "node:net";
import { fail, type Obj } from "./json";
import { COMMON_REFS, entries, type ModelSpec } from "./modelkit";
import {
  bool,
  checkFields,
  fillDefaults,
  IP_ADDR,
  IP_PREFIX,
  int,
  list,
  obj,
  oneOf,
  type Schema,
  str,
  UINT32,
} from "./schema";

export const PERSISTENCE_TYPES = [
  "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
  "PERSISTENCE_TYPE_HTTP_COOKIE",
  "PERSISTENCE_TYPE_TLS",
  "PERSISTENCE_TYPE_CLIENT_IPV6_ADDRESS",
  "PERSISTENCE_TYPE_CUSTOM_HTTP_HEADER",
  "PERSISTENCE_TYPE_APP_COOKIE",
  "PERSISTENCE_TYPE_GSLB_SITE",
] as const;

const PERSISTENCE: Schema = {
  persistence_type: oneOf(PERSISTENCE_TYPES),
  server_hm_down_recovery: oneOf(
    ["HM_DOWN_PICK_NEW_SERVER", "HM_DOWN_ABORT_CONNECTION", "HM_DOWN_CONTINUE_PERSISTENT_SERVER"],
    "HM_DOWN_PICK_NEW_SERVER",
  ),
  is_federated: bool(),
  description: str(),
  // IPPersistenceProfile.ip_persistent_timeout: minutes, 1-720, default 5.
  ip_persistence_profile: obj({ ip_persistent_timeout: int(1, 720, 5), ip_mask: int(0, 128) }),
  http_cookie_persistence_profile: obj({
    cookie_name: str(),
    always_send_cookie: bool(),
    timeout: int(1, 14400, undefined, [0]),
  }),
  app_cookie_persistence_profile: obj({ prst_hdr_name: str(), timeout: int(1, 720, 20) }, ["prst_hdr_name"]),
  hdr_persistence_profile: obj({ prst_hdr_name: str() }),
};

export const applicationpersistenceprofile: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o) {
    fillDefaults(o, PERSISTENCE);
  },
  validate(o) {
    // Required by the model (ApplicationPersistenceProfile.required = [name, persistence_type]).
    if (o.persistence_type === undefined) fail(400, `Field persistence_type is required`);
    checkFields(o, PERSISTENCE);
  },
};

const MATCH_CRITERIA = ["IS_IN", "IS_NOT_IN"] as const;
export const NSP_ACTIONS = [
  "NETWORK_SECURITY_POLICY_ACTION_TYPE_ALLOW",
  "NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY",
  "NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT",
] as const;

const IP_MATCH = obj(
  {
    match_criteria: oneOf(MATCH_CRITERIA),
    addrs: list(IP_ADDR),
    prefixes: list(IP_PREFIX),
    ranges: list(obj({ begin: IP_ADDR, end: IP_ADDR }, ["begin", "end"])),
  },
  ["match_criteria"],
);

const NSP_RULE = obj(
  {
    name: str(),
    index: int(0, 2147483647),
    enable: bool(),
    action: oneOf(NSP_ACTIONS),
    log: bool(),
    age: int(0, UINT32),
    match: obj({
      client_ip: IP_MATCH,
      vs_port: obj({ match_criteria: oneOf(MATCH_CRITERIA), ports: list(int(1, 65535), undefined, 1) }, [
        "match_criteria",
      ]),
    }),
    rl_param: obj({ max_rate: int(1, UINT32), burst_size: int(0, UINT32) }, ["max_rate", "burst_size"]),
  },
  // NetworkSecurityRule.required in the model.
  ["action", "enable", "index", "match", "name"],
);

const NSP: Schema = { rules: list(NSP_RULE), description: str(), created_by: str() };

/** Addresses must parse for their declared family and masks fit it [inferred: the model types them V4/V6]. */
function checkClientIp(path: string, match: Record<string, unknown>): void {
  const has = (k: string) => Array.isArray(match[k]) && (match[k] as unknown[]).length > 0;
  // An IS_IN / IS_NOT_IN with nothing to compare against matches nothing useful [inferred].
  if (!["addrs", "prefixes", "ranges", "group_refs"].some(has)) {
    fail(400, `Field ${path} needs at least one of addrs, prefixes, ranges or group_refs`);
  }
  const family = (where: string, ip: Obj): void => {
    const want = ip.type === "V4" ? 4 : ip.type === "V6" ? 6 : 0;
    if (want !== 0 && isIP(ip.addr) !== want)
      fail(400, `Invalid value ${ip.addr} for field ${where}: not an IP${ip.type} address`);
  };
  entries(match.addrs).forEach((a, i) => {
    family(`${path}.addrs[${i}]`, a);
  });
  entries(match.prefixes).forEach((p, i) => {
    family(`${path}.prefixes[${i}].ip_addr`, p.ip_addr);
    const max = p.ip_addr.type === "V6" ? 128 : 32;
    if (p.mask > max)
      fail(400, `Invalid value ${p.mask} for field ${path}.prefixes[${i}].mask: allowed values are 0-${max}`);
  });
  entries(match.ranges).forEach((r, i) => {
    family(`${path}.ranges[${i}].begin`, r.begin);
    family(`${path}.ranges[${i}].end`, r.end);
  });
}

export const networksecuritypolicy: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o) {
    fillDefaults(o, NSP);
  },
  validate(o) {
    checkFields(o, NSP);
    const indexes = new Set<number>();
    entries(o.rules).forEach((rule, i) => {
      // Rules are ordered by index; two rules with one index cannot be ordered [inferred].
      if (indexes.has(rule.index)) fail(400, `Field rules[${i}].index: index ${rule.index} is used by another rule`);
      indexes.add(rule.index);
      if (rule.match?.client_ip) checkClientIp(`rules[${i}].match.client_ip`, rule.match.client_ip);
      if (rule.action === "NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT" && rule.rl_param === undefined) {
        fail(400, `Field rules[${i}].rl_param is required with NETWORK_SECURITY_POLICY_ACTION_TYPE_RATE_LIMIT`);
      }
    });
  },
};

const L4_RULE = obj(
  {
    name: str(),
    index: int(0, 2147483647),
    enable: bool(true),
    action: obj({
      select_pool: obj({ action_type: oneOf(["L4_RULE_ACTION_SELECT_POOL", "L4_RULE_ACTION_SELECT_POOLGROUP"]) }, [
        "action_type",
      ]),
    }),
    match: obj({
      port: obj({ match_criteria: oneOf(MATCH_CRITERIA), ports: list(int(1, 65535)) }, ["match_criteria"]),
      protocol: obj(
        {
          match_criteria: oneOf(MATCH_CRITERIA),
          protocol: oneOf(["PROTOCOL_ICMP", "PROTOCOL_TCP", "PROTOCOL_UDP", "PROTOCOL_SCTP"]),
        },
        ["match_criteria", "protocol"],
      ),
      client_ip: IP_MATCH,
    }),
  },
  ["index", "name"],
);

const L4PS: Schema = {
  is_internal_policy: bool(false),
  created_by: str(),
  description: str(),
  l4_connection_policy: obj({ rules: list(L4_RULE) }),
};

export const l4policyset: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o) {
    fillDefaults(o, L4PS);
  },
  validate(o) {
    checkFields(o, L4PS);
  },
};
