// provider/plan: pure functions from placement to the routes and pool servers we want, and from those plus what
// the controller holds to what an apply would change. No I/O here, so every decision is testable with plain data.
export { diffRoutes, isOwnedRoute, OWNER_LABEL_KEY } from "./diff";
export { cidrContains, parseCidr, parseIp } from "./ip";
export type { ParsedCidr, ParsedIp } from "./ip";
export {
  diffServers,
  type PortFailure,
  planPools,
  planServicePools,
  poolConflicts,
  poolName,
  virtualServiceName,
} from "./pools";
export { planRoutes, routeIdFor } from "./routes";
export * from "./types";
export {
  MAX_CLUSTER_NAME_LENGTH,
  validateCidr,
  validateClusterName,
  validateCni,
  validateIp,
  validatePort,
} from "./validate";
