// What the serialized ClusterIpVirtualService provider calls: one function per provider method, taking the deserialized provider object
// (`self`, which carries the stack config configure() read) so each stored method is a one-line `require` call.
import type { Self } from "./connection";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";
import * as ops from "./virtualServiceOps";

export { configure } from "./connection";
export const check = (self: Self, news: VirtualServiceProps) =>
  ops.check(news as unknown as Record<string, unknown>, self.settings);
export const diff = (olds: VirtualServiceOuts, news: VirtualServiceProps) => ops.diff(olds, news);
export const create = (self: Self, inputs: VirtualServiceProps) => ops.create(inputs, self.settings);
export const read = (self: Self, id: string, props: VirtualServiceOuts) => ops.read(id, props, self.settings);
export const update = (self: Self, _id: string, news: VirtualServiceProps) => ops.update(news, self.settings);
export const remove = (self: Self, props: VirtualServiceOuts) => ops.remove(props, self.settings);
