// The ClusterIpRoutes dynamic provider: a module-level singleton (serialized once per program) whose methods load
// the implementation at run time from `impl` (see implementation.ts), so the closure stored in state is small and
// holds no connection, client or secret. Stack config arrives through configure() in the host process and lives on
// the deserialized object only.
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "./connection";
import { implementationPath } from "./implementation";
import type { RoutesOuts, RoutesProps } from "./props";

export interface ConfiguredProvider<I, O> extends pulumi.dynamic.ResourceProvider<I, O> {
  /** The module the implementation is required from: the only data the serialized provider carries. */
  readonly impl: string;
  /** Set by configure() in the host process; never present when the provider is serialized. */
  settings?: Settings;
}

// Each method is one line on purpose: every method costs ~200 bytes of wrapper in every resource's state.
export const routesProvider: ConfiguredProvider<RoutesProps, RoutesOuts> = {
  impl: `${implementationPath(__dirname)}/routesEntry`,
  configure(r) {
    return require(this.impl).configure(this, r);
  },
  check(_o, n) {
    return require(this.impl).check(this, n);
  },
  diff(_i, o, n) {
    return require(this.impl).diff(o, n);
  },
  create(n) {
    return require(this.impl).create(this, n);
  },
  read(i, p) {
    return require(this.impl).read(this, i, p);
  },
  update(i, _o, n) {
    return require(this.impl).update(this, i, n);
  },
  delete(_i, p) {
    return require(this.impl).remove(this, p);
  },
};
