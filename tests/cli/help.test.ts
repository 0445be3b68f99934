import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const CLI = path.resolve(__dirname, "../../cli/index.js");

describe("avi-k8s command", () => {
  it("lists its commands on --help and exits 0", () => {
    const r = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /emulate \[avi\|kube\]/);
    assert.match(r.stdout, /plan/);
  });

  it("rejects an unknown command with exit 2 and names it", () => {
    const r = spawnSync(process.execPath, [CLI, "frobnicate"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it("rejects an unknown emulator kind", () => {
    const r = spawnSync(process.execPath, [CLI, "emulate", "nsx"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown emulator 'nsx'/);
  });
});
