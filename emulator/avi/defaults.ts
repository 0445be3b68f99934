// What a freshly installed controller holds (research/avi-api.md §6.6): the admin tenant, Default-Cloud with its
// global and management VRFs, Default-Group, the System-* profiles, health monitors and persistence profiles,
// systemconfiguration.
import type { Obj } from "./json";
import { newUuid, nextStamp, type State, save } from "./store";

const ADMIN = "/api/tenant/admin";

function add(state: State, type: string, obj: Obj, uuid?: string): Obj {
  const full: Obj = { uuid: uuid ?? newUuid(type), ...obj, _last_modified: nextStamp(state) };
  save(state, type, full);
  return full;
}

export function seedFreshController(state: State): void {
  add(
    state,
    "tenant",
    {
      name: "admin",
      local: true,
      description: "",
      config_settings: { tenant_vrf: false, se_in_provider_context: true, tenant_access_to_provider_se: true },
    },
    "admin",
  );
  const cloud = add(state, "cloud", {
    name: "Default-Cloud",
    tenant_ref: ADMIN,
    vtype: "CLOUD_NONE",
    apic_mode: false,
    dhcp_enabled: true,
    mtu: 1500,
    prefer_static_routes: false,
    enable_vip_static_routes: false,
    license_type: "LIC_CORES",
    state_based_dns_registration: true,
    ip6_autocfg_enabled: false,
    dns_resolution_on_se: false,
    enable_vip_on_all_interfaces: false,
    license_tier: "ENTERPRISE",
    autoscale_polling_interval: 60,
  });
  const cloudRef = `/api/cloud/${cloud.uuid}`;
  for (const name of ["global", "management"]) {
    add(state, "vrfcontext", {
      name,
      tenant_ref: ADMIN,
      cloud_ref: cloudRef,
      system_default: true,
      lldp_enable: true,
    });
  }
  add(state, "serviceenginegroup", {
    name: "Default-Group",
    tenant_ref: ADMIN,
    cloud_ref: cloudRef,
    ha_mode: "HA_MODE_SHARED",
    max_se: 10,
    max_vs_per_se: 10,
    min_scaleout_per_vs: 1,
    vcpus_per_se: 1,
    memory_per_se: 2048,
    se_name_prefix: "Avi",
    algo: "PLACEMENT_ALGO_PACKED",
  });
  const appProfiles: [string, string][] = [
    ["System-HTTP", "APPLICATION_PROFILE_TYPE_HTTP"],
    ["System-Secure-HTTP", "APPLICATION_PROFILE_TYPE_HTTP"],
    ["System-L4-Application", "APPLICATION_PROFILE_TYPE_L4"],
    ["System-SSL-Application", "APPLICATION_PROFILE_TYPE_SSL"],
  ];
  for (const [name, type] of appProfiles) add(state, "applicationprofile", { name, tenant_ref: ADMIN, type });
  const netProfiles: [string, string][] = [
    ["System-TCP-Proxy", "PROTOCOL_TYPE_TCP_PROXY"],
    ["System-TCP-Fast-Path", "PROTOCOL_TYPE_TCP_FAST_PATH"],
    ["System-UDP-Fast-Path", "PROTOCOL_TYPE_UDP_FAST_PATH"],
    ["System-SCTP-Proxy", "PROTOCOL_TYPE_SCTP_PROXY"],
  ];
  for (const [name, type] of netProfiles) add(state, "networkprofile", { name, tenant_ref: ADMIN, profile: { type } });
  add(state, "analyticsprofile", { name: "System-Analytics-Profile", tenant_ref: ADMIN });
  const monitors: [string, string][] = [
    ["System-HTTP", "HEALTH_MONITOR_HTTP"],
    ["System-HTTPS", "HEALTH_MONITOR_HTTPS"],
    ["System-TCP", "HEALTH_MONITOR_TCP"],
    ["System-UDP", "HEALTH_MONITOR_UDP"],
    ["System-Ping", "HEALTH_MONITOR_PING"],
    ["System-DNS", "HEALTH_MONITOR_DNS"],
    // AKO's default monitor for SCTP service ports (pkg/utils AVI_DEFAULT_SCTP_HM).
    ["System-SCTP", "HEALTH_MONITOR_SCTP"],
  ];
  for (const [name, type] of monitors) {
    add(state, "healthmonitor", {
      name,
      tenant_ref: ADMIN,
      type,
      send_interval: 10,
      receive_timeout: 4,
      successful_checks: 2,
      failed_checks: 2,
      is_federated: false,
    });
  }
  // The four persistence profiles AKO's RouteBackendExtension CRD offers by name (ako docs/crds); the client-IP
  // one carries the model's default timeout (IPPersistenceProfile.ip_persistent_timeout 5 min).
  const persistence: [string, string, Obj][] = [
    [
      "System-Persistence-Client-IP",
      "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
      { ip_persistence_profile: { ip_persistent_timeout: 5 } },
    ],
    ["System-Persistence-Http-Cookie", "PERSISTENCE_TYPE_HTTP_COOKIE", { http_cookie_persistence_profile: {} }],
    ["System-Persistence-TLS", "PERSISTENCE_TYPE_TLS", {}],
    ["System-Persistence-App-Cookie", "PERSISTENCE_TYPE_APP_COOKIE", {}],
  ];
  for (const [name, type, extra] of persistence) {
    add(state, "applicationpersistenceprofile", {
      name,
      tenant_ref: ADMIN,
      persistence_type: type,
      server_hm_down_recovery: "HM_DOWN_PICK_NEW_SERVER",
      is_federated: false,
      ...extra,
    });
  }
  add(
    state,
    "systemconfiguration",
    {
      dns_configuration: { search_domain: "" },
      portal_configuration: {
        enable_https: true,
        redirect_to_https: true,
        enable_http: true,
        use_uuid_from_input: false,
        enable_clickjacking_protection: true,
        allow_basic_authentication: false,
        password_strength_check: false,
        disable_remote_cli_shell: false,
        disable_swagger: false,
        api_force_timeout: 24,
      },
      global_tenant_config: { tenant_vrf: false, se_in_provider_context: true, tenant_access_to_provider_se: true },
      default_license_tier: "ENTERPRISE",
      welcome_workflow_complete: false,
      fips_mode: false,
    },
    "default",
  );
}

/** Objects a user may never delete: the seeded ones and anything flagged system_default. */
export function isSystemDefault(type: string, obj: Obj): boolean {
  if (obj.system_default === true) return true;
  if (type === "tenant" && obj.uuid === "admin") return true;
  const name = String(obj.name ?? "");
  return name.startsWith("System-") || name === "Default-Group" || name === "Default-Cloud";
}
