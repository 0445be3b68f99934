// HealthMonitor: types, timers, check counts, monitor port and the per-type sub-monitors, from alb-sdk
// swagger/HealthMonitor.json (HealthMonitor, HealthMonitorHttp/Tcp/Udp/DNS/External/Sctp; API 30.2.1).
import { fail } from "./json";
import { COMMON_REFS, type ModelSpec } from "./modelkit";
import { bool, checkFields, fillDefaults, int, list, obj, oneOf, type Schema, str } from "./schema";

export const HM_TYPES = [
  "HEALTH_MONITOR_PING",
  "HEALTH_MONITOR_TCP",
  "HEALTH_MONITOR_HTTP",
  "HEALTH_MONITOR_HTTPS",
  "HEALTH_MONITOR_EXTERNAL",
  "HEALTH_MONITOR_UDP",
  "HEALTH_MONITOR_DNS",
  "HEALTH_MONITOR_GSLB",
  "HEALTH_MONITOR_SIP",
  "HEALTH_MONITOR_RADIUS",
  "HEALTH_MONITOR_SMTP",
  "HEALTH_MONITOR_SMTPS",
  "HEALTH_MONITOR_POP3",
  "HEALTH_MONITOR_POP3S",
  "HEALTH_MONITOR_IMAP",
  "HEALTH_MONITOR_IMAPS",
  "HEALTH_MONITOR_FTP",
  "HEALTH_MONITOR_FTPS",
  "HEALTH_MONITOR_LDAP",
  "HEALTH_MONITOR_LDAPS",
  "HEALTH_MONITOR_SCTP",
] as const;

export const HTTP_RESPONSE_CODES = ["HTTP_ANY", "HTTP_1XX", "HTTP_2XX", "HTTP_3XX", "HTTP_4XX", "HTTP_5XX"] as const;

const HTTP: Schema = {
  http_request: str("GET / HTTP/1.0"),
  http_request_body: str(),
  http_response: str(),
  http_response_code: list(oneOf(HTTP_RESPONSE_CODES), undefined, 1),
  maintenance_code: list(int(101, 599), 4),
  maintenance_response: str(),
  exact_http_request: bool(),
  response_size: int(2048, 16384),
  auth_type: oneOf(["AUTH_BASIC", "AUTH_NTLM"]),
};

const HEALTH_MONITOR: Schema = {
  type: oneOf(HM_TYPES),
  send_interval: int(1, 3600, 10),
  receive_timeout: int(1, 2400, 4),
  successful_checks: int(1, 50, 2),
  failed_checks: int(1, 50, 2),
  monitor_port: int(1, 65535, undefined, [0]),
  is_federated: bool(),
  allow_duplicate_monitors: bool(),
  disable_quickstart: bool(),
  description: str(),
  http_monitor: obj(HTTP),
  https_monitor: obj(HTTP),
  tcp_monitor: obj({ tcp_request: str(), tcp_response: str(), maintenance_response: str(), tcp_half_open: bool() }),
  udp_monitor: obj({ udp_request: str(), udp_response: str(), maintenance_response: str() }),
  sctp_monitor: obj({ sctp_request: str(), sctp_response: str() }),
  dns_monitor: obj(
    {
      query_name: str(),
      qtype: oneOf(["DNS_QUERY_TYPE", "DNS_ANY_TYPE", "DNS_ANY_THING"], "DNS_QUERY_TYPE"),
      rcode: oneOf(["RCODE_NO_ERROR", "RCODE_ANYTHING"], "RCODE_NO_ERROR"),
      response_string: str(),
    },
    ["query_name"],
  ),
  external_monitor: obj(
    { command_code: str(), command_parameters: str(), command_path: str(), command_variables: str() },
    ["command_code"],
  ),
};

export const healthmonitor: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o) {
    fillDefaults(o, HEALTH_MONITOR);
  },
  validate(o) {
    if (o.type === undefined)
      fail(400, `HealthMonitor ${o.name}: field type is required (one of ${HM_TYPES.join(", ")})`);
    checkFields(o, HEALTH_MONITOR);
    // HealthMonitor.receive_timeout: "This timeout must be less than the send interval."
    if (o.receive_timeout >= o.send_interval) {
      fail(
        400,
        `HealthMonitor ${o.name}: receive_timeout (${o.receive_timeout}) must be less than send_interval (${o.send_interval})`,
      );
    }
  },
};
