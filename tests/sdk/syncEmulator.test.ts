// AviK8sSync's rendered manifests against the Kubernetes emulator through the real kubectl. The emulator serves what
// the sync reads and the Lease it holds, not apps/v1, rbac.authorization.k8s.io, Secrets or ConfigMaps (those
// manifests are typed by @pulumi/kubernetes and checked under mocks), so this proves two things a typo would break:
// every RBAC rule names a resource and verbs the API server serves (a misspelt resource in a ClusterRole is
// accepted by Kubernetes and silently grants nothing), and the namespace and Lease the sync will use can be created
// under the names the component renders.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { SYNC_PERMISSIONS } from "../../sdk/syncDeployment";
import { KUBECTLS, kubectlRunner } from "../emulator/kube/kubectl-support";
import { type Obj, parseRendered, render, T } from "./syncSupport";

interface ApiResource {
  name: string;
  namespaced: boolean;
  verbs: string[];
}

describe("AviK8sSync's manifests against the Kubernetes emulator (kubectl)", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlRunner>;

  before(async () => {
    kube = await startKubeEmulator({ kubelet: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sync-manifests-"));
    kubectl = kubectlRunner(KUBECTLS[0] as string, kube.kubeconfig, dir);
  });
  after(async () => {
    await kube?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The APIResourceList of a group's preferred version, as kubectl reads it. */
  async function served(apiGroup: string): Promise<ApiResource[]> {
    let gv = "/api/v1";
    if (apiGroup !== "") {
      const group = JSON.parse((await kubectl(["get", "--raw", `/apis/${apiGroup}`])).stdout);
      gv = `/apis/${group.preferredVersion.groupVersion}`;
    }
    return JSON.parse((await kubectl(["get", "--raw", gv])).stdout).resources;
  }

  it("serves every resource the declared permissions name, with every verb they grant", async () => {
    assert.ok(KUBECTLS.length > 0, "a kubectl build is on the machine");
    const problems: string[] = [];
    for (const p of SYNC_PERMISSIONS) {
      const r = (await served(p.apiGroup)).find((x) => x.name === p.resource);
      const id = `${p.resource}${p.apiGroup ? `.${p.apiGroup}` : ""}`;
      if (!r) {
        problems.push(`${id} is not served`);
        continue;
      }
      const missing = p.verbs.filter((v) => !r.verbs.includes(v));
      if (missing.length > 0) problems.push(`${id} does not serve ${missing.join(", ")}`);
      // A Role grants nothing on a cluster-scoped resource.
      if (p.scope === "lease-namespace" && !r.namespaced) problems.push(`${id} is cluster-scoped`);
    }
    assert.deepEqual(problems, []);
  });

  it("creates the rendered namespace, and the sync's Lease in it under the rendered name", async () => {
    const { one } = await render({ cluster: "Prod_EU1", namespace: "lb-sync" });
    const ns: Obj = one(T.namespace);
    const file = path.join(dir, "namespace.json");
    fs.writeFileSync(file, JSON.stringify({ apiVersion: ns.apiVersion, kind: ns.kind, metadata: ns.metadata }));
    await kubectl(["create", "-f", file]);
    const got = JSON.parse((await kubectl(["get", "namespace", "lb-sync", "-o", "json"])).stdout);
    assert.equal(got.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");

    const le = parseRendered(one(T.deployment), one(T.secret)).leaderElection;
    assert.ok(le);
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: le.name, namespace: le.namespace },
      spec: { holderIdentity: "avi-k8s-sync-5d9c7b-x2x7q", leaseDurationSeconds: 15 },
    };
    fs.writeFileSync(path.join(dir, "lease.json"), JSON.stringify(lease));
    await kubectl(["create", "-f", path.join(dir, "lease.json")]);
    const held = await kubectl(["get", "lease", "-n", "lb-sync", le.name, "-o", "json"]);
    assert.equal(JSON.parse(held.stdout).spec.holderIdentity, "avi-k8s-sync-5d9c7b-x2x7q");
  });
});
