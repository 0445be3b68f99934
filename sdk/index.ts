// pulumi-avi-k8s: Pulumi resources that load-balance Kubernetes Services on the Avi Controller the way AKO does in
// ClusterIP / static-route mode, without an operator in the cluster.
export {
  ClusterIpIntegration,
  type ClusterIpIntegrationArgs,
  type IntegrationServiceArgs,
} from "./clusterIpIntegration";
export { ClusterIpRoutes, type ClusterIpRoutesArgs } from "./clusterIpRoutes";
export { ClusterIpVirtualService, type ClusterIpVirtualServiceArgs } from "./clusterIpVirtualService";
export { CONFIG_NAMESPACE, SETTINGS, type SettingKey, type SettingSpec, settingsTable } from "../provider/settings";
export { poolListOf, routeListOf } from "./outputs";
export { ENV as ENVIRONMENT_VARIABLES } from "./providers/connection";
export { routesProvider } from "./providers/routes";
export { virtualServiceProvider } from "./providers/virtualService";
export type {
  AviConnectionArgs,
  CniChoice,
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
