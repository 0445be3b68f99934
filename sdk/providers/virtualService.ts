// The ClusterIpVirtualService dynamic provider; the same shape as routes.ts (see there for why it only delegates).
import { settingsFromConfig } from "./connection";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";
import type { ConfiguredProvider } from "./routes";
import * as ops from "./virtualServiceOps";

export const virtualServiceProvider: ConfiguredProvider<VirtualServiceProps, VirtualServiceOuts> = {
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
    return ops.read(id, props as VirtualServiceOuts, this.settings);
  },
  async update(_id, _olds, news) {
    return ops.update(news, this.settings);
  },
  async delete(_id, props) {
    await ops.remove(props, this.settings);
  },
};
