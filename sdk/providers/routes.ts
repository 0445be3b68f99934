// The ClusterIpRoutes dynamic provider: a module-level singleton (serialized once per program) whose methods only
// delegate, so the closure stored in state stays small and holds no connection, client or secret. Stack config
// arrives through configure() in the provider host and lives on the deserialized object only.
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "./connection";
import { settingsFromConfig } from "./connection";
import type { RoutesOuts, RoutesProps } from "./props";
import * as ops from "./routesOps";

export interface ConfiguredProvider<I, O> extends pulumi.dynamic.ResourceProvider<I, O> {
  /** Set by configure() in the host process; never present when the provider is serialized. */
  settings?: Settings;
}

export const routesProvider: ConfiguredProvider<RoutesProps, RoutesOuts> = {
  async configure(req) {
    this.settings = settingsFromConfig(req.config);
  },
  async check(_olds, news) {
    return ops.check(news as unknown as Record<string, unknown>, this.settings);
  },
  async diff(_id, olds, news) {
    return ops.diff(olds, news);
  },
  async create(inputs) {
    return ops.create(inputs, this.settings);
  },
  async read(id, props) {
    return ops.read(id, props as RoutesOuts, this.settings);
  },
  async update(id, _olds, news) {
    return ops.update(id, news, this.settings);
  },
  async delete(_id, props) {
    await ops.remove(props, this.settings);
  },
};
