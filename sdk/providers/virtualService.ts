// The ClusterIpVirtualService dynamic provider; the same shape as routes.ts (see there and implementation.ts).
import type { ConfiguredProvider } from "./implementation";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";
import * as methods from "./virtualServiceMethods";

export const virtualServiceProvider: ConfiguredProvider<VirtualServiceProps, VirtualServiceOuts> =
  Object.create(methods);
