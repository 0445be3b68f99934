// How a stored provider reaches its implementation. Pulumi's closure serializer captures a module that lives under
// node_modules by reference (`require("pulumi-avi-k8s/dist/...")`) and any other module by value, and a by-value
// copy loses what it cannot serialize (a module-level Set or Map becomes a plain object, a class extending Error
// stops being an Error). So each provider object is `Object.create(<methods module>)`: installed, the stored
// provider is one `require` of that module (a few hundred bytes); in this repository the one-line methods are
// copied, and each `require`s the real implementation by path at run time instead of carrying a copy of it.
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "./connection";

/** The path to `require` this folder by: a package path when installed, else this checkout's absolute path. */
export function implementationPath(dir: string): string {
  const normal = dir.replace(/\\/g, "/");
  const marker = "/node_modules/";
  const at = normal.lastIndexOf(marker);
  return at >= 0 ? normal.slice(at + marker.length) : normal;
}

/** What a provider object carries in the host process: the stack config configure() read (never serialized). */
export interface Self {
  settings?: Settings;
}

export type ConfiguredProvider<I, O> = pulumi.dynamic.ResourceProvider<I, O> & Self;
