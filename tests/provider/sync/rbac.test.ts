// SYNC_PERMISSIONS against what `avi-k8s sync` really asks the API server, both ways: two replicas electing on a
// Lease write web's VIP to its status, set a pod's readiness gate, follow a pod deletion and a new node, then the leader stops and releases; every request in the Kubernetes
// emulator's log must be granted by the rules the in-cluster component renders (permits()), and every verb of every
// declared permission must have been used by some request (the CNI objects on the fixtures that serve them). A
// permission the sync stops needing, or a request it starts making without one, fails here.
import * as assert from "node:assert/strict";
import { fixturePath } from "../../../emulator/kube";
import { permits, requestOf, SYNC_PERMISSIONS } from "../../../provider/kube/rbac";
import { type Mode, POOL_MEMBER_GATE } from "../../../provider/plan";
import { defaultLeaseName } from "../../../provider/sync";
import { applyWebInMode, CLUSTER, poolServers, type RunningSync, runSync, startSyncLab, within } from "./support";

const LEASE = { namespace: "default", name: defaultLeaseName(CLUSTER) };

/** "group/resource verb" of every request the sync made, and the requests not granted. */
async function requestsOfTheSync(
  fixture: string,
  mode: Mode = "clusterip",
): Promise<{ used: Set<string>; denied: string[] }> {
  const lab = await startSyncLab({ kube: { topology: fixturePath(`${fixture}.yaml`) }, stack: mode === "clusterip" });
  const syncs: RunningSync[] = [];
  try {
    // The Kubernetes side too: web as a LoadBalancer (its VIP goes to the status) with a pod that lists the
    // readiness gate and has no condition yet (the sync reads its status and sets the gate).
    const svc = JSON.parse(JSON.stringify(lab.kube.get("services", "web", "default")));
    delete svc.metadata.resourceVersion;
    lab.kube.apply({ ...svc, spec: { ...svc.spec, type: "LoadBalancer" } });
    const gated = lab.kube.list("pods", "default").filter((p) => p.metadata.labels?.app === "web")[1];
    if (gated) {
      const pod = JSON.parse(JSON.stringify(gated));
      delete pod.metadata.resourceVersion;
      pod.spec.readinessGates = [{ conditionType: POOL_MEMBER_GATE }];
      lab.kube.apply(pod);
    }
    if (mode === "nodeportlocal") {
      // web opted in to Antrea's NodePortLocal, its pods mapped, its pool written in that mode.
      const opted = {
        ...svc,
        metadata: { ...svc.metadata, annotations: { "nodeportlocal.antrea.io/enabled": "true" } },
      };
      lab.kube.apply({ ...opted, spec: { ...opted.spec, type: "LoadBalancer" } });
      for (const p of lab.kube.list("pods", "default").filter((x) => x.metadata.labels?.app === "web")) {
        await lab.kube.waitFor(
          "pods",
          p.metadata.name as string,
          "default",
          (x) => typeof x?.metadata.annotations?.["nodeportlocal.antrea.io"] === "string",
        );
      }
      await applyWebInMode(lab, mode);
    }
    // What the `up` before it read is not the sync's.
    lab.kube.requestLog.length = 0;
    for (const identity of ["a", "b"]) {
      syncs.push(
        await runSync(lab, {
          leaderElection: {
            ...LEASE,
            identity,
            leaseDurationMs: 2000,
            renewDeadlineMs: 1500,
            retryPeriodMs: 250,
          },
        }),
      );
    }
    await within(15_000, "a ready leader and a ready follower", () =>
      syncs.every((s) => s.handle.ready() && syncs.some((x) => x.handle.leader())),
    );
    await within(10_000, "the gate set and the VIP on the Service", () => {
      const pod = gated && lab.kube.get("pods", gated.metadata.name as string, "default");
      const gate = pod?.status?.conditions?.find((c: { type: string }) => c.type === POOL_MEMBER_GATE);
      const ingress = lab.kube.get("services", "web", "default")?.status?.loadBalancer?.ingress ?? [];
      return (!gated || gate?.status === "True") && ingress.length > 0;
    });
    const before = poolServers(lab.avi).length;
    const web = lab.kube.list("pods", "default").find((p) => p.metadata.labels?.app === "web");
    lab.kube.deletePod("default", web?.metadata.name as string);
    await within(5000, "the pod leaves the pool", () => poolServers(lab.avi).length === before - 1);
    const leader = syncs.find((s) => s.handle.leader()) as RunningSync;
    await leader.stop();
    const other = syncs.find((s) => s !== leader) as RunningSync;
    await within(5000, "the other replica takes over", () => other.handle.leader() && other.handle.ready());
  } finally {
    for (const s of syncs) await s.stop();
    await lab.stop();
  }
  const used = new Set<string>();
  const denied: string[] = [];
  for (const e of lab.kube.requestLog) {
    const req = requestOf(e.method, e.path, e.query);
    if (!req) continue;
    used.add(`${req.apiGroup}/${req.resource} ${req.verb}${req.name === LEASE.name ? " (own Lease)" : ""}`);
    if (!permits(req, LEASE)) denied.push(`${e.method} ${e.path}${e.query}`);
  }
  return { used, denied };
}

describe("the sync's Kubernetes requests against SYNC_PERMISSIONS", function () {
  this.timeout(60_000);

  it("are all granted, and use every verb every permission grants (seed, Calico and Cilium clusters; NodePortLocal)", async () => {
    const used = new Set<string>();
    const runs: [string, Mode][] = [
      ["seed", "clusterip"],
      ["calico", "clusterip"],
      ["cilium", "clusterip"],
      ["seed", "nodeportlocal"],
    ];
    for (const [fixture, mode] of runs) {
      const r = await requestsOfTheSync(fixture, mode);
      assert.deepEqual(r.denied, [], `${fixture} (${mode}): requests the declared RBAC does not grant`);
      for (const u of r.used) used.add(u);
    }
    const unused = SYNC_PERMISSIONS.flatMap((p) =>
      p.verbs
        .map((v) => `${p.apiGroup}/${p.resource} ${v}${p.ownLeaseOnly ? " (own Lease)" : ""}`)
        .filter((k) => !used.has(k)),
    );
    assert.deepEqual(unused, [], `declared but never used; used: ${[...used].sort().join("; ")}`);
  });
});
