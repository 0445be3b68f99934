// provider/plan: pure functions from placement to the routes and pool servers we want, and from those plus what
// the controller holds to what an apply would change. No I/O here, so every decision is testable with plain data.
export { diffRoutes, isOwnedRoute, OWNER_LABEL_KEY } from "./diff";
export { cidrContains, parseCidr, parseIp } from "./ip";
export type { ParsedCidr, ParsedIp } from "./ip";
export {
  diffServers,
  type ModeOptions,
  type PortFailure,
  planPools,
  planServicePools,
  poolConflicts,
  poolName,
  virtualServiceName,
} from "./pools";
export { servesTraffic } from "./endpoints";
export { planRoutes, routeIdFor } from "./routes";
export {
  excludedFromLoadBalancers,
  LABEL_EXCLUDE_FROM_LB,
  nodePortFailure,
  planNodePortPools,
  selectNodes,
} from "./nodeport";
export {
  ANNOTATION_NPL,
  ANNOTATION_NPL_ENABLED,
  type NplEntry,
  nodePortLocalFailures,
  parseNplAnnotation,
  planNodePortLocalPools,
} from "./npl";
export {
  keyProblem,
  matchesSelector,
  type ParsedSelector,
  parseSelector,
  type Requirement,
  requirementText,
  type SelectorOperator,
  selectorText,
  valueProblem,
} from "./selector";
export * from "./types";
export {
  MAX_CLUSTER_NAME_LENGTH,
  validateCidr,
  validateClusterName,
  validateCni,
  validateIp,
  validateMode,
  validateNodeSelector,
  validatePort,
} from "./validate";
export {
  healthCheckNodePortMonitor,
  implicitL4,
  type L4Options,
  type L4Resolution,
  type L4Target,
  MAX_NAME_LENGTH,
  rangesFor,
  resolveL4,
} from "./l4";
export {
  algorithmOf,
  hashOf,
  type L4Failure,
  MONITOR_DEFAULTS,
  monitorTypeOf,
  parsePortKey,
  validateL4Args,
  validateMonitor,
  validatePoolArgs,
} from "./l4args";
export * from "./l4types";
export { DEFAULT_MONITOR, monitorFromArgs, monitorFromProbe, monitorName, type ProbeMonitor } from "./monitors";
export { affinityMinutes, MAX_PERSISTENCE_MINUTES, persistenceName } from "./persistence";
export { normalizeRanges, securityPolicyName } from "./security";
export {
  agreedVip,
  planSharedPools,
  type SharedMember,
  sharedPoolMember,
  sharedPoolName,
  sharedVipFailures,
  sharedVirtualServiceName,
} from "./shared";
export {
  AKO_LOAD_BALANCER_CLASS,
  classRefusal,
  DEFAULT_LOAD_BALANCER_CLASS,
  desiredIngress,
  type GateChange,
  ingressAddresses,
  ingressMatches,
  ipModeKnown,
  type KubeVersion,
  parseKubeVersion,
  gatesWaiting,
  planGates,
  podsOf,
  POOL_MEMBER_GATE,
  statusNote,
  validateLoadBalancerClass,
} from "./kubeside";
