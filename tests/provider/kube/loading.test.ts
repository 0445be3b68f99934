import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const DIST = path.resolve(__dirname, "../../..");

describe("provider/kube loading", () => {
  it("does not load @kubernetes/client-node until a read runs (keeps Pulumi's serialized providers small)", () => {
    const script = `
      require(${JSON.stringify(path.join(DIST, "provider/kube"))});
      require(${JSON.stringify(path.join(DIST, "provider/plan"))});
      require(${JSON.stringify(path.join(DIST, "cli/plan"))});
      const loaded = Object.keys(require.cache).some((k) => k.includes("@kubernetes/client-node"));
      process.stdout.write(String(loaded));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "false");
  });
});
