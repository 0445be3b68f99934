// provider/avi: the Avi Controller client and reconciler. Plain TypeScript (no Pulumi): plain data in and out, no
// state kept between calls except each session's cookies.

export {
  type AdoptedPool,
  adoptionProblem,
  akoCreatedBy,
  type FoundVirtualService,
  findVirtualService,
  type Identity,
  type Origin,
  originOf,
} from "./adopt";
export { cookieHeader, parseSetCookie, type SessionCookies, updateCookies } from "./cookies";
export { AviError, outcomeUnknown } from "./errors";
export {
  APPLICATION_PROFILE,
  buildPool,
  buildVirtualService,
  buildVsVip,
  createdBy,
  isOurs,
  markersFor,
  SHARED_VIP_MARKER,
  serverFromAvi,
  serverToAvi,
} from "./objects";
export { familyOf, vsNameOf } from "./family";
export { POOL_OPTIONAL, poolL4Fields, poolL4Of, vsL4Fields } from "./l4fields";
export { buildHealthMonitor } from "./monitors";
export { desiredOwned, OWNED_TYPES, type OwnedObject, type OwnedType } from "./owned";
export { buildPersistenceProfile } from "./persistence";
export { missingObjects } from "./refcheck";
export { buildSecurityPolicy, rangesOf, SOURCE_RANGES_RULE } from "./security";
export {
  buildRouteRecord,
  deleteRouteRecord,
  isSyncPool,
  listRouteRecords,
  listSyncPools,
  MEMBERSHIP_MARKER,
  type Membership,
  type PoolMembersResult,
  parseRouteRecord,
  poolMarkers,
  ROUTE_RECORD_TYPE,
  type RouteRecord,
  routeRecordExists,
  routeRecordName,
  SYNC_MEMBERSHIP,
  type SyncPool,
  syncPoolMembers,
  withMembership,
  writeRouteRecord,
} from "./membership";
export { syncPoolServers } from "./pools";
export { countingWrites, createSessionPool, type SessionPool, type SessionPoolOptions, sessionKey } from "./pool";
export { type ControllerPreview, formatControllerPreview, previewController } from "./preview";
export { applyRoutes, previewRoutes, readRoutes, readVrf, removeRoutes, routeFromAvi, routeToAvi } from "./routes";
export { checkSeGroup, DEFAULT_SE_GROUP } from "./segroup";
export {
  type AviCallCounts,
  type AviConnection,
  type AviObject,
  type AviSession,
  type CallOptions,
  createAviSession,
  DEFAULT_API_VERSION,
} from "./session";
export type {
  ApplyVirtualServiceResult,
  ObjectAction,
  PoolState,
  RouteTarget,
  ServerChange,
  ServerSource,
  SyncPoolServersResult,
  VipSpec,
  VirtualServicePreview,
  VirtualServiceSpec,
  VirtualServiceState,
} from "./types";
export {
  applyVirtualService,
  deleteVirtualService,
  previewVirtualService,
  readVirtualService,
} from "./virtualservice";
export type { LeftObject } from "./owned";
export { readPoolVips, readVsVipAddresses, vipAddressesOf } from "./vips";
