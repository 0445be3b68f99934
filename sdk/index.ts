// pulumi-avi-k8s: Pulumi resources that load-balance Kubernetes Services on the Avi Controller the way AKO does in
// ClusterIP / static-route mode, without an operator in the cluster.
export {
  AviK8sIntegration,
  type AviK8sIntegrationArgs,
  ClusterIpIntegration,
  type ClusterIpIntegrationArgs,
  type IntegrationServiceArgs,
  type IntegrationSharedVipArgs,
} from "./clusterIpIntegration";
export { ClusterIpRoutes, type ClusterIpRoutesArgs } from "./clusterIpRoutes";
export {
  AviK8sSharedVip,
  type AviK8sSharedVipArgs,
  ClusterIpSharedVip,
  type ClusterIpSharedVipArgs,
  type SharedVipServiceArgs,
} from "./clusterIpSharedVip";
export {
  AviK8sVirtualService,
  type AviK8sVirtualServiceArgs,
  ClusterIpVirtualService,
  type ClusterIpVirtualServiceArgs,
} from "./clusterIpVirtualService";
export { CONFIG_NAMESPACE, SETTINGS, type SettingKey, type SettingSpec, settingsTable } from "../provider/settings";
export { poolListOf, routeListOf } from "./outputs";
// What the in-cluster sync may do in the Kubernetes API; AviK8sSync itself is in `pulumi-avi-k8s/sync`.
export { permits, SYNC_PERMISSIONS, type SyncPermission } from "../provider/kube/rbac";
export { ENV as ENVIRONMENT_VARIABLES } from "./providers/connection";
export { routesProvider } from "./providers/routes";
export { virtualServiceProvider } from "./providers/virtualService";
export type {
  AviConnectionArgs,
  ClientIpPersistenceArgs,
  CniChoice,
  HealthMonitorArgs,
  L4SettingsArgs,
  LbAlgorithm,
  LbHash,
  Mode,
  MonitorType,
  PoolArgs,
  ResponseCode,
  ServerDisableType,
  KubeConnectionArgs,
  Membership,
  PoolListOutput,
  PoolOutput,
  Protocol,
  RouteOutput,
  ServerOutput,
  ServiceLike,
  ServiceRef,
  VipArgs,
} from "./types";
