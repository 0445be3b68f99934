// The ClusterIpVirtualService dynamic provider; the same shape as routes.ts (see there and implementation.ts).
import { implementationPath } from "./implementation";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";
import type { ConfiguredProvider } from "./routes";

export const virtualServiceProvider: ConfiguredProvider<VirtualServiceProps, VirtualServiceOuts> = {
  impl: `${implementationPath(__dirname)}/virtualServiceEntry`,
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
