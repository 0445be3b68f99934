// Where a deserialized provider loads its implementation from. Pulumi's closure serializer copies local modules
// into the stored provider by value, and that copy loses what it cannot serialize (a module-level Set or Map
// becomes a plain object, a class extending Error stops being an Error). So the stored provider holds only a
// module path and `require`s the real modules inside each method: a package path when we are installed
// ("pulumi-avi-k8s/dist/sdk/providers", resolved from the Pulumi project the host runs in, as the serializer's own
// by-reference captures are), or this checkout's absolute path when running from the repository.

/** The path to `require` this folder by, as the dynamic-provider host will resolve it. */
export function implementationPath(dir: string): string {
  const normal = dir.replace(/\\/g, "/");
  const marker = "/node_modules/";
  const at = normal.lastIndexOf(marker);
  return at >= 0 ? normal.slice(at + marker.length) : normal;
}
