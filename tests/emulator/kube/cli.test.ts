// `avi-k8s emulate kube`: one JSON line naming a URL and a kubeconfig that work, then a clean stop on SIGTERM.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { fixturePath } from "../../../emulator/kube";
import { call } from "./helpers";

const CLI = path.resolve(__dirname, "../../../cli/index.js");

/** The emulator's first stdout line (its ready line); fails if it exits before printing one. */
function readyLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (c: Buffer) => {
      buf += c.toString();
      if (buf.includes("\n")) resolve(buf.split("\n")[0] as string);
    });
    child.on("exit", (code) => reject(new Error(`emulate exited ${code} before printing`)));
  });
}

describe("avi-k8s emulate kube", function () {
  this.timeout(30_000);

  it("prints {kind, url, kubeconfig, caFile}, serves the given topology, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "emulate", "kube", "--topology", fixturePath("cilium.yaml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await readyLine(child);
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

  it("passes --ready-after-ms and --npl-format to the emulator, and refuses bad values with exit 2", async () => {
    const child = spawn(process.execPath, [CLI, "emulate", "kube", "--ready-after-ms", "400", "--npl-format", "v1.7"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await readyLine(child);
      const kubeconfig = YAML.parse(fs.readFileSync(JSON.parse(line).kubeconfig, "utf8"));
      const kube = {
        url: kubeconfig.clusters[0].cluster.server,
        caCert: Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
        token: kubeconfig.users[0].user.token,
      };
      const pod = {
        metadata: { name: "p", labels: { app: "web" } },
        spec: { nodeName: "node1", containers: [{ name: "web", image: "nginx:1.27" }] },
      };
      assert.equal((await call(kube, "POST", "/api/v1/namespaces/default/pods", { body: pod })).status, 201);
      const ready = async () =>
        (await call(kube, "GET", "/api/v1/namespaces/default/pods/p")).body.status.conditions?.find(
          (c: { type: string }) => c.type === "Ready",
        )?.status;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await ready(), "False", "not Ready before the delay");
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(await ready(), "True");
      await call(kube, "PATCH", "/api/v1/namespaces/default/services/web", {
        body: { metadata: { annotations: { "nodeportlocal.antrea.io/enabled": "true" } } },
        contentType: "application/merge-patch+json",
      });
      const a = (await call(kube, "GET", "/api/v1/namespaces/default/pods/web-a")).body;
      assert.deepEqual(JSON.parse(a.metadata.annotations["nodeportlocal.antrea.io"])[0].protocols, ["tcp"]);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
    const bad = spawn(process.execPath, [CLI, "emulate", "kube", "--npl-format", "v3"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    bad.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    assert.equal(await new Promise((resolve) => bad.once("exit", resolve)), 2);
    assert.match(stderr, /--npl-format must be v2, v1\.7 or v1\.4, got 'v3'/);
  });
});
