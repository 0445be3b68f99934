// The methods of the ClusterIpVirtualService provider (the prototype of virtualServiceProvider; see implementation.ts). One line
// each: whatever they contain is copied into every resource's state when running from the repository.
import type * as pulumi from "@pulumi/pulumi";
import { implementationPath, type Self } from "./implementation";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";

type Ops = typeof import("./virtualServiceOps");
type Connection = typeof import("./connection");
const IMPL = implementationPath(__dirname);

export async function configure(this: Self, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  this.settings = (require(`${IMPL}/connection`) as Connection).settingsFromConfig(req.config);
}
export function check(this: Self, olds: VirtualServiceProps, news: VirtualServiceProps) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).check(news as never, this.settings, olds as never);
}
export function diff(this: Self, _id: string, olds: VirtualServiceOuts, news: VirtualServiceProps) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).diff(olds, news);
}
export function create(this: Self, inputs: VirtualServiceProps) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).create(inputs, this.settings);
}
export function read(this: Self, id: string, props: VirtualServiceOuts) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).read(id, props, this.settings);
}
export function update(this: Self, _id: string, olds: VirtualServiceOuts, news: VirtualServiceProps) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).update(news, this.settings, olds);
}
function remove(this: Self, _id: string, props: VirtualServiceOuts) {
  return (require(`${IMPL}/virtualServiceOps`) as Ops).remove(props, this.settings);
}
// `delete` cannot name a function declaration, but it can name an export (the method the host calls).
export { remove as delete };
