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
// The names Kubernetes users write: the default loadBalancerClass (AKO's, never ours) and the pod readiness gate.
export { AKO_LOAD_BALANCER_CLASS, DEFAULT_LOAD_BALANCER_CLASS, POOL_MEMBER_GATE } from "../provider/plan/kubeside";
export { routesProvider } from "./providers/routes";
export { virtualServiceProvider } from "./providers/virtualService";
// Every argument and output type users write against.
export type * from "./types";
