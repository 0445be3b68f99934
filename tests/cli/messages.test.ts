// The messages a new user meets first, run as a user would (the CLI as a child process): each names the fix
// (the flag, the environment variable, the stack config key) in one sentence, without the help text.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { transportMessage } from "../../provider/avi/errors";

const CLI = path.resolve(__dirname, "../../cli/index.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = {
    ...process.env,
    KUBECONFIG: "",
    AVI_CONTROLLER: "",
    AVI_USERNAME: "",
    AVI_PASSWORD: "",
    AVI_AUTH_TOKEN: "",
    AVI_CA_BUNDLE: "",
    AVI_INSECURE: "",
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...clean, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A usage error is one line: the sentence and the pointer to --help, never the 27 lines of help. */
function assertOneLine(r: Run, command: string): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? "", new RegExp(`; see avi-k8s ${command} --help\\.$`));
  assert.doesNotMatch(r.stderr, /usage:/);
}

describe("messages that name the fix", function () {
  this.timeout(60000);

  describe("usage errors", () => {
    it("--cluster with no value says it needs one, alone on the line or followed by another option", async () => {
      for (const args of [
        ["plan", "--cluster"],
        ["plan", "--cluster", "--kubeconfig", "k"],
      ]) {
        const r = await cli(args);
        assertOneLine(r, "plan");
        assert.match(r.stderr, /--cluster needs a value \(for example --cluster prod-east\)/);
        assert.doesNotMatch(r.stderr, /ambiguous/);
      }
    });

    it("--avi-password is refused with where the password goes instead (AVI_PASSWORD); a token goes in AVI_AUTH_TOKEN", async () => {
      const r = await cli(["plan", "--cluster", "c1", "--avi-password", "hunter2secret"]);
      assertOneLine(r, "plan");
      assert.match(
        r.stderr,
        /--avi-password is not an option: the password goes in the environment variable AVI_PASSWORD/,
      );
      assert.doesNotMatch(r.stderr, /hunter2secret/);
      const t = await cli(["plan", "--cluster", "c1", "--avi-token", "x"]);
      assert.match(t.stderr, /AVI_AUTH_TOKEN/);
    });

    it("a mistyped option gets the option that was meant; an unknown command and emulator name the choices", async () => {
      const typo = await cli(["plan", "--clustr", "c1"]);
      assertOneLine(typo, "plan");
      assert.match(typo.stderr, /unknown option --clustr \(did you mean --cluster\?\)/);
      const port = await cli(["emulate", "--prot", "1"]);
      assertOneLine(port, "emulate");
      assert.match(port.stderr, /did you mean --port\?/);
      const kind = await cli(["emulate", "kubernetes"]);
      assertOneLine(kind, "emulate");
      assert.match(kind.stderr, /unknown emulator 'kubernetes' \(expected avi or kube\)/);
      const command = await cli(["plna"]);
      assert.equal(command.code, 2);
      assert.equal(command.stderr.trim().split("\n").length, 1);
      assert.match(command.stderr, /unknown command 'plna' \(the commands are emulate, plan\); see avi-k8s --help\./);
    });
  });

  describe("a missing kubeconfig", () => {
    let home: string;
    before(() => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), "no-home-"));
    });
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    it("none at all: says so (not 'connection refused' on localhost:8080) and names KUBECONFIG, --kubeconfig and the default path", async () => {
      const r = await cli(["plan", "--cluster", "c1"], { HOME: home, KUBERNETES_SERVICE_HOST: "" });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No kubeconfig: KUBECONFIG is not set and .*\/\.kube\/config does not exist/);
      for (const name of [
        "KUBECONFIG",
        "--kubeconfig",
        "kubernetes.kubeconfigPath",
        "avi-k8s:kubeconfigPath",
        "--in-cluster",
      ]) {
        assert.ok(r.stderr.includes(name), `${name} in: ${r.stderr}`);
      }
      assert.doesNotMatch(r.stderr, /localhost:8080|ECONNREFUSED|ENOENT/);
    });

    it("a file that is not there, named by --kubeconfig or by KUBECONFIG: names it and the ways to give another", async () => {
      const missing = path.join(home, "nope.yaml");
      const byFlag = await cli(["plan", "--cluster", "c1", "--kubeconfig", missing]);
      assert.match(
        byFlag.stderr,
        new RegExp(
          `The kubeconfig file ${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} does not exist; point KUBECONFIG`,
        ),
      );
      const byEnv = await cli(["plan", "--cluster", "c1"], { KUBECONFIG: missing });
      assert.match(byEnv.stderr, /KUBECONFIG names .*nope\.yaml, which does not exist; .*--kubeconfig/);
      assert.doesNotMatch(`${byFlag.stderr}${byEnv.stderr}`, /ENOENT/);
    });
  });

  describe("against the emulators", () => {
    let kube: KubeEmulator;
    let avi: AviEmulator;
    before(async () => {
      kube = await startKubeEmulator();
      avi = await startAviEmulator();
    });
    after(async () => {
      await avi.stop();
      await kube.stop();
    });

    it("a controller certificate nobody vouched for: names the CA and the insecure settings by flag, variable and stack config key", async () => {
      const r = await cli(["plan", "--cluster", "c1", "--kubeconfig", kube.kubeconfig, "--avi-controller", avi.url], {
        AVI_USERNAME: avi.username,
        AVI_PASSWORD: avi.password,
      });
      assert.equal(r.code, 1);
      for (const name of [
        "--avi-ca-bundle",
        "AVI_CA_BUNDLE",
        "avi-k8s:caBundle",
        "--avi-insecure",
        "AVI_INSECURE=true",
        "avi-k8s:insecure",
      ]) {
        assert.ok(r.stderr.includes(name), `${name} in: ${r.stderr}`);
      }
      assert.ok(!r.stderr.includes(avi.password));
      assert.equal(r.stderr.trim().split("\n").length, 1);
    });

    it("the ways the message names work: --avi-ca-bundle, and AVI_INSECURE=true for a lab", async () => {
      const env = { AVI_USERNAME: avi.username, AVI_PASSWORD: avi.password, AVI_CONTROLLER: avi.url };
      const base = ["plan", "--cluster", "c1", "--kubeconfig", kube.kubeconfig];
      const withCa = await cli([...base, "--avi-ca-bundle", avi.caFile!], env);
      assert.equal(withCa.code, 0, withCa.stderr);
      const insecure = await cli(base, { ...env, AVI_INSECURE: "true" });
      assert.equal(insecure.code, 0, insecure.stderr);
    });

    it("on a plain cluster `plan` prints no notes about Calico or Cilium resources it did not use, unless --verbose", async () => {
      const quiet = await cli(["plan", "--cluster", "c1", "--kubeconfig", kube.kubeconfig]);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.doesNotMatch(quiet.stdout, /served but|auto chose/);
      assert.match(quiet.stdout, /^Cluster c1, pod CIDRs from default$/m);
      const verbose = await cli(["plan", "--cluster", "c1", "--kubeconfig", kube.kubeconfig, "--verbose"]);
      assert.equal(verbose.code, 0, verbose.stderr);
      assert.match(verbose.stdout, /cni auto chose default/);
    });
  });

  it("the TLS hint is one sentence for every verification failure, and a host-name mismatch says to use the certificate's name", () => {
    for (const code of [
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
    ]) {
      assert.match(transportMessage({ code }), /--avi-ca-bundle, AVI_CA_BUNDLE or avi-k8s:caBundle in stack config/);
    }
    assert.match(transportMessage({ code: "ERR_TLS_CERT_ALTNAME_INVALID" }), /does not name the host of the URL/);
  });
});
