// The README's "Running the sync in the cluster" stays true and in its place: under "Keeping pools current", its
// RBAC table is the declared list (verbs and reasons), the only description of the sync's RBAC in the README, and
// the defaults it names are the component's. (Its program is compiled against the installed package in tests/package.)
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SYNC_PERMISSIONS } from "../../provider/kube/rbac";
import { DEFAULT_NAMESPACE, DEFAULT_RESYNC, LISTEN_PORT } from "../../sdk/syncCommand";
import { ROOT } from "../support/packed";

/** The text of a `### title` section, up to the next heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`### ${title}\n`);
  assert.ok(start >= 0, `the README has a "${title}" section`);
  const rest = markdown.slice(start + title.length + 5);
  const end = rest.search(/^#{2,3} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe("README: running the sync in the cluster", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const text = section(readme, "Running the sync in the cluster");

  it('is a part of "Keeping pools current"', () => {
    const at = readme.indexOf("### Running the sync in the cluster\n");
    const parent = readme
      .slice(0, at)
      .match(/^## .*$/gm)
      ?.pop();
    assert.equal(parent, "## Keeping pools current");
  });

  it("describes the sync's RBAC once: one table, no other list of its verbs, no old name", () => {
    assert.equal(readme.match(/^\| (ClusterRole|Role) \|/gm)?.length, SYNC_PERMISSIONS.length);
    assert.ok(!readme.includes("SYNC_RBAC"));
    const elsewhere = readme.replace(text, "");
    assert.ok(!/leases\.coordination\.k8s\.io|list\/watch `nodes`/.test(elsewhere), "no second list of the grants");
  });

  it("its RBAC table lists exactly SYNC_PERMISSIONS, verbs and reasons", () => {
    const rows = text
      .split("\n")
      .filter((l) => /^\| (ClusterRole|Role) \|/.test(l))
      .map((l) => {
        const [scope, group, resource, verbs, why] = l
          .split("|")
          .slice(1, 6)
          .map((c) => c.trim()) as string[];
        const g = group === "core" ? "" : group.replace(/`/g, "");
        const name = /`([^`]+)`/.exec(resource)?.[1];
        const byName = resource.includes("by name") ? " (by name)" : "";
        return `${scope === "Role" ? "lease-namespace" : "cluster"} ${g}/${name}${byName}: ${verbs} (${why})`;
      });
    const declared = SYNC_PERMISSIONS.map(
      (p) =>
        `${p.scope} ${p.apiGroup}/${p.resource}${p.ownLeaseOnly ? " (by name)" : ""}: ${p.verbs.join(", ")} (${p.why})`,
    );
    assert.deepEqual(rows, declared);
  });

  it("names the component's defaults", () => {
    assert.ok(text.includes(`--listen 0.0.0.0:${LISTEN_PORT}`));
    assert.ok(text.includes(`default \`${DEFAULT_RESYNC}\``));
    assert.ok(text.includes(`in namespace \`${DEFAULT_NAMESPACE}\``));
  });
});
