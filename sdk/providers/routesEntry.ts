// What the serialized ClusterIpRoutes provider calls: one function per provider method, taking the deserialized provider object
// (`self`, which carries the stack config configure() read) so each stored method is a one-line `require` call.
import type { Self } from "./connection";
import type { RoutesOuts, RoutesProps } from "./props";
import * as ops from "./routesOps";

export { configure } from "./connection";
export const check = (self: Self, news: RoutesProps) =>
  ops.check(news as unknown as Record<string, unknown>, self.settings);
export const diff = (olds: RoutesOuts, news: RoutesProps) => ops.diff(olds, news);
export const create = (self: Self, inputs: RoutesProps) => ops.create(inputs, self.settings);
export const read = (self: Self, id: string, props: RoutesOuts) => ops.read(id, props, self.settings);
export const update = (self: Self, id: string, news: RoutesProps) => ops.update(id, news, self.settings);
export const remove = (self: Self, props: RoutesOuts) => ops.remove(props, self.settings);
