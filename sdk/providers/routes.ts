// The ClusterIpRoutes dynamic provider: a module-level singleton (serialized once per program, whatever the number
// of resources) whose methods are its prototype, routesMethods (see implementation.ts for why). It holds no
// connection, client or secret; configure() adds the stack config in the host process only.
import type { ConfiguredProvider } from "./implementation";
import type { RoutesOuts, RoutesProps } from "./props";
import * as methods from "./routesMethods";

export const routesProvider: ConfiguredProvider<RoutesProps, RoutesOuts> = Object.create(methods);
