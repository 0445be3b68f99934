// What Kubernetes users see of a ClusterIpVirtualService, checked with a real kubectl against the emulators through
// the real dynamic-provider host: after `up` the VIP is the Service's EXTERNAL-IP, `kubectl describe` tells what
// was done, `destroy` clears it; a Service of another loadBalancerClass is refused naming the class and left
// untouched (no object on the controller, the Service as it was).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CheckFailures,
  createStack,
  type ProviderHost,
  serializeProvider,
  startProviderHost,
} from "../../emulator/engine";
import { virtualServiceProvider } from "../../sdk";
import { KUBECTLS, kubectlRunner } from "../emulator/kube/kubectl-support";
import { controllerServers, type Lab, startLab, VS_TYPE } from "./support";

const ROOT = path.resolve(__dirname, "../../..");
const POOL = "c1--default-web-TCP-80";
/** A google-cloud-sdk kubectl 1.3x when there is one (the brief's), else the first build found. */
const KUBECTL =
  KUBECTLS.find((k) => /google-cloud-sdk\/bin\/kubectl\.1\.3\d$/.test(k)) ??
  ["30", "31", "32", "33"].map((m) => `/usr/lib/google-cloud-sdk/bin/kubectl.1.${m}`).find((p) => fs.existsSync(p)) ??
  (KUBECTLS[0] as string);

/** kubectl get svc's columns of one Service: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE. */
function externalIp(table: string): string {
  const row = table.trim().split("\n")[1] ?? "";
  return row.split(/\s+/)[3] ?? "";
}

describe("what Kubernetes users see: the VIP on the Service, its Events, loadBalancerClass (kubectl)", function () {
  this.timeout(90_000);
  let lab: Lab;
  let host: ProviderHost;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlRunner>;

  before(async () => {
    lab = await startLab();
    host = await startProviderHost({ cwd: ROOT, cleanEnv: true, config: lab.config() });
    await host.configure();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeside-"));
    kubectl = kubectlRunner(KUBECTL, lab.kube.kubeconfig, dir);
  });
  after(async () => {
    await host?.stop();
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("up: kubectl get svc web shows the VIP as EXTERNAL-IP and describe lists the events; destroy clears it", async () => {
    await kubectl(["patch", "svc", "web", "-p", '{"spec":{"type":"LoadBalancer"}}']);
    assert.equal(externalIp((await kubectl(["get", "svc", "web"])).stdout), "<pending>");

    const stack = createStack(host);
    const web = {
      __provider: (await serializeProvider(virtualServiceProvider)).text,
      cluster: "c1",
      service: "web",
      vip: { address: "10.10.10.50" },
    };
    const first = await stack.up(VS_TYPE, "web", web);
    assert.equal(first.op, "create");
    assert.deepEqual(first.state.outputs.warnings, []);
    assert.equal(controllerServers(lab, POOL).length, 4);
    assert.equal(externalIp((await kubectl(["get", "svc", "web"])).stdout), "10.10.10.50");
    const svc = JSON.parse((await kubectl(["get", "svc", "web", "-o", "json"])).stdout);
    // The emulator is 1.32: ipMode VIP is known and sent.
    assert.deepEqual(svc.status.loadBalancer.ingress, [{ ip: "10.10.10.50", ipMode: "VIP" }]);

    // A second up with nothing changed writes nothing to the Service (no status patch, no event).
    const before = lab.kube.requestLog.length;
    assert.equal((await stack.up(VS_TYPE, "web", web)).op, "same");
    const writes = lab.kube.requestLog.slice(before).filter((e) => e.method !== "GET");
    assert.deepEqual(writes, []);

    const described = (await kubectl(["describe", "svc", "web"])).stdout;
    assert.match(described, /LoadBalancer Ingress:\s+10\.10\.10\.50/);
    assert.match(described, /Normal\s+PoolUpdated\s+.*Pool c1--default-web-TCP-80: added 4/);
    assert.match(described, /Normal\s+VipAssigned\s+.*VIP 10\.10\.10\.50 of virtual service c1--default-web/);

    // A pod moves: the next up updates the pool and says so on the Service.
    lab.kube.movePod("default", "web-d", "node1");
    assert.equal((await stack.up(VS_TYPE, "web", web)).op, "update");
    const moved = (await kubectl(["describe", "svc", "web"])).stdout;
    assert.match(moved, /PoolUpdated\s+.*added 1 \(.*\), removed 1 \(.*\); 4 servers now/);

    await stack.destroy("web");
    assert.equal(externalIp((await kubectl(["get", "svc", "web"])).stdout), "<pending>");
    const after = (await kubectl(["describe", "svc", "web"])).stdout;
    assert.doesNotMatch(after, /LoadBalancer Ingress/);
    assert.match(after, /VipReleased\s+.*VIP 10\.10\.10\.50 released/);
  });

  it("refuses a Service of another loadBalancerClass, naming the class, and leaves it untouched", async () => {
    const manifest = path.join(dir, "other.yaml");
    fs.writeFileSync(
      manifest,
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: other, namespace: default}",
        "spec:",
        "  type: LoadBalancer",
        "  loadBalancerClass: metallb.io/metallb",
        "  selector: {app: web}",
        "  ports: [{name: http, port: 80, targetPort: http}]",
        "",
      ].join("\n"),
    );
    await kubectl(["apply", "-f", manifest]);
    const svcBefore = JSON.parse((await kubectl(["get", "svc", "other", "-o", "json"])).stdout);
    const stack = createStack(host);
    const other = {
      __provider: (await serializeProvider(virtualServiceProvider)).text,
      cluster: "c1",
      service: "other",
      vip: { address: "10.10.10.51" },
    };
    const refused = await stack.up(VS_TYPE, "other", other).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof CheckFailures, `refused in check: ${String(refused)}`);
    const reason = refused.failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
    assert.match(reason, /^service: Service default\/other has spec\.loadBalancerClass metallb\.io\/metallb/);
    assert.match(reason, /class avi-k8s\.io\/lb/);
    // Nothing on the controller, the Service as it was (same resourceVersion: neither spec nor status written).
    assert.equal(lab.avi.objects("virtualservice").filter((v) => String(v.name).includes("other")).length, 0);
    assert.equal(lab.avi.objects("pool").filter((v) => String(v.name).includes("other")).length, 0);
    const svcAfter = JSON.parse((await kubectl(["get", "svc", "other", "-o", "json"])).stdout);
    assert.equal(svcAfter.metadata.resourceVersion, svcBefore.metadata.resourceVersion);
    assert.deepEqual(svcAfter.status, svcBefore.status);
    // The refusal is on the Service for its owner to see.
    assert.match((await kubectl(["describe", "svc", "other"])).stdout, /Warning\s+Refused\s+.*metallb\.io\/metallb/);

    // The same Service with this package's class named as its own is served.
    const ours = { ...other, loadBalancerClass: "metallb.io/metallb" };
    assert.equal((await stack.up(VS_TYPE, "other", ours)).op, "create");
    assert.equal(externalIp((await kubectl(["get", "svc", "other"])).stdout), "10.10.10.51");
    await stack.destroy("other");
  });

  it("refuses AKO's class as this package's own, naming the field", async () => {
    const stack = createStack(host);
    const err = await stack
      .up(VS_TYPE, "ako", {
        __provider: (await serializeProvider(virtualServiceProvider)).text,
        cluster: "c1",
        service: "web",
        vip: { address: "10.10.10.52" },
        loadBalancerClass: "ako.vmware.com/avi-lb",
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof CheckFailures);
    assert.equal(err.failures[0]?.property, "loadBalancerClass");
    assert.match(err.failures[0]?.reason ?? "", /AKO's class/);
  });
  it("records ControllerUnreachable on the Service when the controller does not answer, and creates nothing", async () => {
    const stack = createStack(host);
    const err = await stack
      .up(VS_TYPE, "lost", {
        __provider: (await serializeProvider(virtualServiceProvider)).text,
        cluster: "c1",
        service: "web",
        vip: { address: "10.10.10.53" },
        controller: "https://127.0.0.1:9",
        username: "admin",
        password: "not-used",
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    assert.ok(err, "the create failed");
    assert.equal(stack.state("lost"), undefined, "nothing recorded: nothing was written");
    const described = (await kubectl(["describe", "svc", "web"])).stdout;
    assert.match(
      described,
      /Warning\s+ControllerUnreachable\s+.*The Avi Controller https:\/\/127\.0\.0\.1:9 could not be reached/,
    );
  });
  it("a shared VIP writes its VIP into each member Service's status, clears a leaver's, and both on destroy", async () => {
    const manifest = path.join(dir, "shared.yaml");
    const svc = (name: string, port: number) =>
      [
        "---",
        "apiVersion: v1",
        "kind: Service",
        `metadata: {name: ${name}, namespace: default}`,
        "spec:",
        "  type: LoadBalancer",
        "  selector: {app: web}",
        `  ports: [{name: http, port: ${port}, targetPort: http}]`,
      ].join("\n");
    fs.writeFileSync(manifest, `${svc("front-a", 80)}\n${svc("front-b", 81)}\n`);
    await kubectl(["apply", "-f", manifest]);
    const stack = createStack(host);
    const group = {
      __provider: (await serializeProvider(virtualServiceProvider)).text,
      cluster: "c1",
      namespace: "default",
      service: "front",
      members: [{ service: "front-a" }, { service: "front-b" }],
      vip: { address: "10.10.10.54" },
    };
    assert.equal((await stack.up(VS_TYPE, "front", group)).op, "create");
    for (const name of ["front-a", "front-b"]) {
      assert.equal(externalIp((await kubectl(["get", "svc", name])).stdout), "10.10.10.54", name);
    }
    // front-b leaves the group: its status no longer names the VIP, front-a's still does.
    assert.equal((await stack.up(VS_TYPE, "front", { ...group, members: [{ service: "front-a" }] })).op, "update");
    assert.equal(externalIp((await kubectl(["get", "svc", "front-b"])).stdout), "<pending>");
    assert.equal(externalIp((await kubectl(["get", "svc", "front-a"])).stdout), "10.10.10.54");
    await stack.destroy("front");
    for (const name of ["front-a", "front-b"]) {
      assert.equal(externalIp((await kubectl(["get", "svc", name])).stdout), "<pending>", name);
    }
  });
});
