// Shared set-up for the Kubernetes emulator tests: the seed topology plus the Calico blocks and CiliumNodes of
// their fixtures (same node names), and small parsers for kubectl's column output.
import * as path from "node:path";
import { fixturePath, type KubeObject, readFixture } from "../../../emulator/kube";

/** Seed objects plus the CNI custom resources of calico.yaml and cilium.yaml, which name the same nodes. */
export function seedWithCniObjects(): KubeObject[] {
  const seed = readFixture(fixturePath("seed.yaml"));
  const blocks = readFixture(fixturePath("calico.yaml")).filter((o) => o.kind === "BlockAffinity");
  const cilium = readFixture(fixturePath("cilium.yaml")).filter((o) => o.kind === "CiliumNode");
  return [...seed, ...blocks, ...cilium];
}

/** kubectl's table output as rows of cells (columns are separated by at least two spaces). */
export function rows(out: string): string[][] {
  return out
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(/\s{2,}/));
}

/** Rows with the AGE column (and generated slice names) masked, so they compare across runs. */
export function masked(out: string): string[][] {
  const all = rows(out);
  const ageAt = all[0]?.indexOf("AGE") ?? -1;
  return all.map((r, i) =>
    r.map((cell, j) => {
      if (i > 0 && j === ageAt) return "<age>";
      return cell.replace(/^(web)-[bcdfghjklmnpqrstvwxz2456789]{5}$/, "$1-<generated>");
    }),
  );
}

export const fixturesDir = () => path.dirname(fixturePath("seed.yaml"));
