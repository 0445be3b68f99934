// A `pulumi up` that changes a pool's settings while `avi-k8s sync` writes its servers: the resource updates
// through @pulumi/pulumi's real dynamic-provider host (membership "sync": GET + merge + PUT keeping the live
// servers, with `_last_modified`), the sync follows a rollout at the same moment. Whatever the interleaving,
// neither side's change is lost: the setting is the one the last `up` asked for, the servers are the pods'.
import * as assert from "node:assert/strict";
import type { ProviderHost } from "../../emulator/engine";
import { CLUSTER, POOL, type SyncLab, startSyncLab } from "../provider/sync/support";
import { campaignSize, printFailures, report, rng, seeds, sleep } from "./support/campaign";
import { type Providers, type Recorded, serializedProviders, stackConfig, startHost, VS_TYPE } from "./support/engine";
import { expectedPool, foreignChanges, snapshotForeign } from "./support/oracle";
import { plantForeign } from "./support/stack";
import { type SyncProcess, spawnSync } from "./support/syncproc";

type Json = Record<string, unknown>;
const MONITORS = ["System-TCP", "System-Ping"];

function poolOf(lab: SyncLab): Json {
  return lab.avi.objects("pool").find((p) => p.name === POOL) as Json;
}
const servers = (p: Json) =>
  ((p.servers ?? []) as Json[])
    .map((s) => `${(s.ip as { addr: string }).addr}:${s.port}:${s.enabled !== false}`)
    .sort();

describe("reliability: a pulumi up racing the membership sync", function () {
  this.timeout(0);

  it("keeps both the setting the up changed and the servers the sync wrote", async () => {
    const lab = await startSyncLab({ stack: false });
    let host: ProviderHost | undefined;
    let sync: SyncProcess | undefined;
    const failures: { seed: number; problem: string }[] = [];
    const list = seeds(campaignSize(20, 3));
    let conflicts = 0;
    try {
      await plantForeign(lab.session);
      const before = snapshotForeign(lab.avi, [CLUSTER]);
      const providers: Providers = await serializedProviders();
      host = await startHost(stackConfig(lab.avi, lab.kube));
      const news = (monitor: string) => ({
        __provider: providers.vs,
        cluster: CLUSTER,
        namespace: "default",
        service: "web",
        vip: { address: "10.10.10.50" },
        membership: "sync",
        healthMonitor: monitor,
      });
      const r = { type: VS_TYPE, name: "web" };
      const checked = await host.check({ ...r, news: news(MONITORS[0] as string) });
      const created = await host.create({ ...r, properties: checked.inputs });
      let state: Recorded = { id: created.id, inputs: checked.inputs, outputs: created.properties };
      sync = spawnSync(lab, "race", ["--no-leader-elect"]);
      const s = sync;
      for (let i = 0; i < 200 && !/full resync: /.test(s.output()); i++) await sleep(100);
      // Slower answers widen every read-to-write window, so the two writers meet (412) more often.
      lab.avi.faults.set({ seed: 3, latencyMs: [0, 60] });
      for (const seed of list) {
        const g = rng(seed);
        const monitor = MONITORS[seed % 2 === 1 ? 1 : 0] as string;
        const rollout = lab.kube.rollout(
          { service: "web" },
          { batch: g.int(1, 4), readyAfterMs: g.int(0, 200), terminateAfterMs: g.int(0, 200) },
        );
        await sleep(g.int(0, 600));
        const next = await host.check({ ...r, olds: state.inputs, news: news(monitor) });
        const d = await host.diff({ ...r, id: state.id, olds: state.outputs, news: next.inputs });
        if (d.changes === "some") {
          const u = await host.update({ ...r, id: state.id, olds: state.outputs, news: next.inputs });
          state = { id: state.id, inputs: next.inputs, outputs: u.properties };
        }
        await rollout;
        const until = Date.now() + 15_000;
        let problem: string | undefined = "not settled";
        while (Date.now() < until && problem) {
          const terminating = lab.kube.list("pods", "default").some((p) => p.metadata.deletionTimestamp);
          const want = expectedPool(lab.kube, "default", "web").servers;
          const pool = poolOf(lab);
          const hm = lab.avi.objects("healthmonitor").find((h) => h.name === monitor);
          problem = terminating
            ? "pods terminating"
            : JSON.stringify(servers(pool)) !== JSON.stringify(want)
              ? `servers ${servers(pool).join(", ")} != ${want.join(", ")}`
              : !JSON.stringify(pool.health_monitor_refs).includes(String(hm?.uuid))
                ? `health monitor ${JSON.stringify(pool.health_monitor_refs)} is not ${monitor}`
                : undefined;
          if (problem) await sleep(50);
        }
        if (problem) failures.push({ seed, problem });
      }
      conflicts = Number(
        /avi_k8s_sync_conflict_retries_total (\d+)/.exec(await (await fetch(`${s.url()}/metrics`)).text())?.[1] ?? 0,
      );
      const changed = foreignChanges(lab.avi, before, [CLUSTER]);
      if (changed.length > 0) failures.push({ seed: 0, problem: `foreign changes: ${changed.join(", ")}` });
    } finally {
      await sync?.kill("SIGKILL");
      await host?.stop();
      await lab.stop();
    }
    report({
      campaign: "sync vs pulumi up",
      unit: "rounds",
      schedules: list.length,
      converged: list.length - failures.length,
      orphans: 0,
      foreignChanges: 0,
      extra: { "pool writes met 412 and were merged again": conflicts },
    });
    assert.equal(printFailures("sync vs pulumi up", failures), 0);
  });
});
