// Fixtures: YAML in the form `kubectl get -o yaml` prints (a `kind: List`, or several documents).
// Namespaces are created on demand; statuses are kept; uids and timestamps are kept when present.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import type { ObjectApi } from "./objects";
import { byApiVersionKind, byResource } from "./resources";
import type { Store } from "./store";
import type { KubeObject } from "./types";

/** The fixtures shipped with the package (emulator/kube/fixtures, next to the compiled dist/ tree). */
export function fixturePath(name: string): string {
  const candidates = [
    path.resolve(__dirname, "fixtures", name),
    path.resolve(__dirname, "../../../emulator/kube/fixtures", name),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`Kubernetes emulator fixture ${name} is missing (looked in ${candidates.join(", ")})`);
  return found;
}

export function parseFixture(text: string, source = "fixture"): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const d = doc.toJS();
    if (!d) continue;
    if (typeof d.kind === "string" && d.kind.endsWith("List") && Array.isArray(d.items)) out.push(...d.items);
    else out.push(d);
  }
  return out;
}

export function readFixture(file: string): KubeObject[] {
  return parseFixture(fs.readFileSync(file, "utf8"), file);
}

const RANK: Record<string, number> = { Namespace: 0, Node: 1, EndpointSlice: 3 };

/** Creates the objects in dependency order, then derives every service's EndpointSlices once. */
export function loadObjects(store: Store, api: ObjectApi, objects: readonly KubeObject[]): number {
  const ordered = [...objects].sort((a, b) => (RANK[a.kind ?? ""] ?? 2) - (RANK[b.kind ?? ""] ?? 2));
  const nsRt = byResource("namespaces");
  api.bulk(() => {
    for (const d of ordered) {
      const rt = byApiVersionKind(d.apiVersion, d.kind);
      if (!rt)
        throw new Error(
          `fixture object ${d.metadata?.name ?? "?"}: unsupported apiVersion/kind ${d.apiVersion}/${d.kind}`,
        );
      if (rt.namespaced) {
        const ns = d.metadata?.namespace ?? "default";
        if (!store.get("namespaces", undefined, ns)) api.create(nsRt, { metadata: { name: ns } });
      }
      const { resourceVersion: _rv, managedFields: _mf, ...metadata } = d.metadata ?? ({} as KubeObject["metadata"]);
      const body = { ...d, metadata: metadata as KubeObject["metadata"] };
      api.create(rt, rt.view ? rt.view.toStored(body) : body, undefined, { keepStatus: true });
    }
  });
  return ordered.length;
}
