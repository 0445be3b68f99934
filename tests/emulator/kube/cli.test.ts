// `avi-k8s emulate kube`: one JSON line naming a URL and a kubeconfig that work, then a clean stop on SIGTERM.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { fixturePath } from "../../../emulator/kube";
import { call } from "./helpers";

const CLI = path.resolve(__dirname, "../../../cli/index.js");

describe("avi-k8s emulate kube", function () {
  this.timeout(30_000);

  it("prints {kind, url, kubeconfig, caFile}, serves the given topology, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "emulate", "kube", "--topology", fixturePath("cilium.yaml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (c: Buffer) => {
          buf += c.toString();
          if (buf.includes("\n")) resolve(buf.split("\n")[0]);
        });
        child.on("exit", (code) => reject(new Error(`emulate exited ${code} before printing`)));
      });
      const info = JSON.parse(line);
      assert.equal(info.kind, "kube");
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const kubeconfig = YAML.parse(fs.readFileSync(info.kubeconfig, "utf8"));
      const caCert = Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString();
      assert.equal(caCert, fs.readFileSync(info.caFile, "utf8"));
      const r = await call(
        { url: kubeconfig.clusters[0].cluster.server, caCert, token: kubeconfig.users[0].user.token },
        "GET",
        "/apis/cilium.io/v2/ciliumnodes",
      );
      assert.deepEqual(
        r.body.items.map((c: { spec: { ipam: { podCIDRs: string[] } } }) => c.spec.ipam.podCIDRs[0]),
        ["10.244.1.0/24", "10.244.2.0/24"],
      );
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
  });
});
