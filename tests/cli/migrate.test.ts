// `avi-k8s plan` against a controller AKO manages: the migration section (what an import would adopt, with the
// import ids, and what the first up after it would change), run as a user would, in a child process, against the
// Avi emulator loaded with AKO's footprint for the seed cluster and the Kubernetes emulator it was watching.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { PlanReport } from "../../cli/plan";
import { type AviEmulator, akoRouteId, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";

const CLI = path.resolve(__dirname, "../../cli/index.js");

function plan(avi: AviEmulator, kube: KubeEmulator, extra: string[]) {
  const args = [CLI, "plan", "--cluster", "demo", "--kubeconfig", kube.kubeconfig, "--service", "default/web"];
  args.push("--avi-controller", avi.url, "--avi-username", avi.username, ...extra);
  const env = { ...process.env, KUBECONFIG: "", AVI_PASSWORD: avi.password, AVI_CA_BUNDLE: avi.caFile ?? "" };
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("avi-k8s plan: the migration from AKO, dry run", function () {
  this.timeout(30000);
  let kube: KubeEmulator;
  let avi: AviEmulator | undefined;
  before(async () => {
    kube = await startKubeEmulator();
  });
  afterEach(async () => {
    await avi?.stop();
    avi = undefined;
  });
  after(async () => {
    await kube.stop();
  });

  it("shows, unasked, what an import adopts and that the first up only renames the route ids; writes nothing", async () => {
    avi = await startAviEmulator({ fixture: "ako-foreign" });
    avi.clearLog();
    const r = await plan(avi, kube, []);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Migration from AKO (cluster demo)"));
    assert.ok(at > 0, r.stdout);
    assert.deepEqual(lines.slice(at + 1, at + 5), [
      "  routes: import id admin/Default-Cloud/global/demo",
      "    first up: one PUT of the VRF: 2 renamed in place, 0 added, 0 next hops changed, 0 removed; 2 foreign kept",
      `    ~ 192.168.101.0/24 via 10.100.1.101: id ${akoRouteId("demo", "node1", 0)} -> demo-192.168.101.0-24`,
      `    ~ 192.168.102.0/24 via 10.100.1.102: id ${akoRouteId("demo", "node2", 0)} -> demo-192.168.102.0-24`,
    ]);
    assert.match(r.stdout, /virtual service demo--default-web: import id admin\/demo--default-web\n {4}import adopts:/);
    assert.match(r.stdout, /virtualservice demo--default-web \(virtualservice-[0-9a-f-]+\), created by ako-demo/);
    assert.match(r.stdout, /vsvip demo--default-web \(VIP 10\.10\.10\.50\)/);
    assert.match(r.stdout, /pool demo--default-web-TCP-80 \(port 80\/TCP, 4 servers\)/);
    assert.match(r.stdout, /l4policyset demo--default-web \(AKO's port-to-pool rules\)/);
    assert.match(r.stdout, /preview after import: no change\n {4}first up:\n {6}nothing: preview shows no change/);
    assert.deepEqual(avi.writes(), [], "the plan writes nothing");
  });

  it("after a pod moved: preview after import shows the servers, and the first up the rewrite in our shape (JSON too)", async () => {
    avi = await startAviEmulator({ fixture: "ako" });
    kube.movePod("default", "web-a", "node2");
    try {
      const r = await plan(avi, kube, ["--json"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as PlanReport;
      const svc = report.migration?.services[0];
      assert.equal(svc?.origin, "ako");
      assert.ok(
        svc?.previewAfterImport.some((l) => /^pool demo--default-web-TCP-80: - 192\.168\.101\.13:8080$/.test(l)),
      );
      assert.ok(
        svc?.previewAfterImport.some((l) => /^pool demo--default-web-TCP-80: \+ 192\.168\.102\.\d+:8080$/.test(l)),
      );
      assert.match(
        String(svc?.firstUp.at(-1)),
        /rewrites the VsVip, pools and virtual service .* and deletes l4policyset demo--default-web/,
      );
      assert.equal(report.migration?.routes.renames.length, 2);
    } finally {
      kube.movePod("default", "web-a", "node1");
    }
  });

  it("--migrate-from-ako on a controller without AKO's objects says what the first up creates; without a controller it is refused", async () => {
    avi = await startAviEmulator();
    const r = await plan(avi, kube, ["--migrate-from-ako"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /refused: the VRF holds no route labelled clustername=demo: nothing to import/);
    assert.match(r.stdout, /refused: it does not exist \(the first up creates it\)/);
    assert.match(r.stdout, /nothing AKO made was found for this cluster/);
    const quiet = await plan(avi, kube, []);
    assert.doesNotMatch(quiet.stdout, /Migration from AKO/, "unasked, shown only when AKO's footprint is found");
    const noController = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, "plan", "--cluster", "demo", "--kubeconfig", kube.kubeconfig, "--migrate-from-ako"],
        { env: { ...process.env, KUBECONFIG: "", AVI_CONTROLLER: "" } },
        (err, _o, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
      );
    });
    assert.equal(noController.code, 2);
    assert.match(noController.stderr, /--migrate-from-ako reads the controller: give --avi-controller/);
  });
});
