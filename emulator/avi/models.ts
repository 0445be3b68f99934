// The object models by type: which top-level fields are refs (and to what), the defaults a controller fills in on
// create (as seen in recorded 20.1.x responses) and the validation it applies (research/avi-api.md §6, §9). The
// infrastructure objects live here; pools, monitors, virtual services and policies have a file per family.
import { checkRoute, setDefaults, toBool } from "./fields";
import { fail, isObj } from "./json";
import { COMMON_REFS, defaultCloudRef, type ModelSpec } from "./modelkit";
import { healthmonitor } from "./models-monitor";
import { applicationpersistenceprofile, l4policyset, networksecuritypolicy } from "./models-policy";
import { pool } from "./models-pool";
import { stringgroup } from "./models-stringgroup";
import { virtualservice, vsvip } from "./models-vs";
import { checkFields, fillDefaults, IP_PREFIX, list, obj, type Schema } from "./schema";

export type { Limits, ModelContext, ModelSpec } from "./modelkit";

const vrfcontext: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    setDefaults(o, { system_default: false, lldp_enable: true });
    for (const r of Array.isArray(o.static_routes) ? o.static_routes : []) {
      if (isObj(r)) toBool(r, "disable_gateway_monitor");
      if (isObj(r) && typeof r.route_id === "number") r.route_id = String(r.route_id);
    }
  },
  validate(o, ctx) {
    const routes = o.static_routes ?? [];
    if (!Array.isArray(routes)) fail(400, "static_routes must be a list");
    if (routes.length > ctx.limits.routesPerVrf) {
      fail(
        400,
        `VrfContext ${o.name} has ${routes.length} static routes, more than the limit of ${ctx.limits.routesPerVrf}`,
      );
    }
    const ids = new Set<string>();
    for (const r of routes) {
      checkRoute(r);
      if (ids.has(r.route_id)) fail(400, `Duplicate route_id ${r.route_id} in VrfContext ${o.name}`);
      ids.add(r.route_id);
    }
  },
};

// Network (swagger/Network.json): the VIP networks AKO's vipNetworkList names; subnets are checked, IPAM is not run.
const NETWORK: Schema = { configured_subnets: list(obj({ prefix: IP_PREFIX }, ["prefix"])) };

const network: ModelSpec = {
  refs: { ...COMMON_REFS, vrf_context_ref: "vrfcontext" },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    setDefaults(o, { dhcp_enabled: true, ip6_autocfg_enabled: true, vcenter_dvs: true });
    fillDefaults(o, NETWORK);
  },
  validate(o) {
    checkFields(o, NETWORK);
  },
};

const tenant: ModelSpec = {
  refs: {},
  fill(o) {
    toBool(o, "local");
    setDefaults(o, {
      local: true,
      config_settings: { tenant_vrf: false, se_in_provider_context: true, tenant_access_to_provider_se: true },
    });
    delete o.tenant_ref;
  },
  validate() {},
};

const cloud: ModelSpec = {
  refs: { tenant_ref: "tenant" },
  fill(o) {
    setDefaults(o, { vtype: "CLOUD_NONE", dhcp_enabled: false, mtu: 1500, prefer_static_routes: false });
  },
  validate() {},
};

const serviceenginegroup: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    setDefaults(o, { ha_mode: "HA_MODE_SHARED", max_se: 10, max_vs_per_se: 10, min_scaleout_per_vs: 1 });
  },
  validate(o) {
    if (o.labels !== undefined && !Array.isArray(o.labels)) fail(400, "labels must be a list");
  },
};

const plain: ModelSpec = { refs: { tenant_ref: "tenant" }, fill() {}, validate() {} };

const systemconfiguration: ModelSpec = {
  refs: {},
  fill(o) {
    const portal = o.portal_configuration;
    if (isObj(portal)) toBool(portal, "allow_basic_authentication");
  },
  validate() {},
};

export const MODELS: Record<string, ModelSpec> = {
  pool,
  vsvip,
  virtualservice,
  vrfcontext,
  healthmonitor,
  applicationpersistenceprofile,
  networksecuritypolicy,
  l4policyset,
  stringgroup,
  network,
  tenant,
  cloud,
  serviceenginegroup,
  applicationprofile: plain,
  networkprofile: plain,
  analyticsprofile: plain,
  systemconfiguration,
};
