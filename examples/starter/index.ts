// Routes for every node's pod network, and a virtual service with a VIP for Service default/web, on the Avi
// Controller named by the stack config (`pulumi config set avi-k8s:controller https://...` and the rest).
import { ClusterIpIntegration } from "pulumi-avi-k8s";

const lb = new ClusterIpIntegration("prod-east", {
  cluster: "prod-east", // this cluster's name on the controller: labels its routes, prefixes its objects
  services: [
    {
      key: "web", // names the virtual service resource inside the stack
      service: { namespace: "default", name: "web" }, // the Kubernetes Service whose pods become pool servers
      vip: { address: "10.10.10.50" }, // the virtual IP clients connect to
    },
  ],
});

export const vip = lb.vipAddresses;
export const routes = lb.routeList;
