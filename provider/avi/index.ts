// provider/avi: the Avi Controller client and reconciler. Plain TypeScript (no Pulumi): plain data in and out, no
// state kept between calls except each session's cookies.

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
  serverFromAvi,
  serverToAvi,
} from "./objects";
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
  SyncPoolServersResult,
  VipSpec,
  VirtualServicePreview,
  VirtualServiceSpec,
  VirtualServiceState,
} from "./types";
export {
  applyVirtualService,
  deleteVirtualService,
  type LeftObject,
  previewVirtualService,
  readVirtualService,
} from "./virtualservice";
