// Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection package does it:
// - a candidate takes the Lease when nobody holds it, when its holder released it (empty holder), or when the
//   record has not changed for leaseDuration since this candidate observed it (observed on this candidate's own
//   clock, never the holder's renewTime, so clock skew cannot make two leaders); writes carry the resourceVersion
//   read, so two candidates racing get one 200 and one 409;
// - the holder renews every retryPeriod; it counts as leader only while its last successful renewal is younger
//   than renewDeadline (< leaseDuration), so it stops writing before anyone may take over;
// - candidates watch the Lease, so they see each renewal at once and take over leaseDuration after the last one:
//   within the lease duration of the holder's death (its last renewal was before it);
// - stop() releases a held Lease (empty holder, duration 1 s), so a successor takes over at once.
import type { KubeClient } from "../kube";
import { type Informer, startInformer } from "../kube";

export interface LeaseOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  log(message: string): void;
}

export interface Elector {
  isLeader(): boolean;
  /** The Lease is being watched (a follower is ready). */
  watching(): boolean;
  holder(): string;
  /** Stops electing; a held Lease is released unless `release` is false (what a crash leaves behind, for tests). */
  stop(release?: boolean): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the Lease is plain JSON here.
type Lease = Record<string, any>;

/** A MicroTime with the six fractional digits the API server insists on (client-node's V1MicroTime). */
export function microTime(ms: number): string {
  const k8s = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  return new k8s.V1MicroTime(ms).toISOString();
}

function recordOf(lease: Lease | undefined): string {
  const s = lease?.spec ?? {};
  return JSON.stringify([s.holderIdentity ?? "", s.renewTime ?? "", s.leaseDurationSeconds ?? 0, s.acquireTime ?? ""]);
}

export function startLeaderElection(o: LeaseOptions): Elector {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  const path = `${base}/${encodeURIComponent(o.name)}`;
  const perm = (verb: "get" | "create" | "update") => ({
    verb,
    resource: "leases",
    group: "coordination.k8s.io",
    namespace: o.namespace,
    name: o.name,
  });
  let observed = "";
  let observedAt = 0;
  let observedDurationMs = o.leaseDurationMs;
  let holder = "";
  let lastRenew = 0;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const observe = (lease: Lease | undefined) => {
    const rec = recordOf(lease);
    if (rec !== observed) {
      observed = rec;
      observedAt = Date.now();
      holder = lease?.spec?.holderIdentity ?? "";
      const secs = Number(lease?.spec?.leaseDurationSeconds);
      observedDurationMs = Number.isFinite(secs) && secs > 0 ? secs * 1000 : o.leaseDurationMs;
    }
  };

  const setLeading = (now: boolean) => {
    if (now === leading) return;
    leading = now;
    if (now) {
      o.log(`leader election: ${o.identity} holds Lease ${o.namespace}/${o.name}`);
      o.onStartedLeading();
    } else {
      o.log(`leader election: ${o.identity} no longer holds Lease ${o.namespace}/${o.name}`);
      o.onStoppedLeading();
    }
  };

  const spec = (current: Lease | undefined, now: number) => {
    const s = current?.spec ?? {};
    const mine = s.holderIdentity === o.identity;
    return {
      holderIdentity: o.identity,
      leaseDurationSeconds: Math.max(1, Math.round(o.leaseDurationMs / 1000)),
      acquireTime: mine && s.acquireTime ? s.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (Number(s.leaseTransitions) || 0) + (mine || !current ? 0 : 1),
    };
  };

  async function attempt(): Promise<void> {
    const now = Date.now();
    const got = (await o.client.get(path, perm("get"), true)) as Lease | undefined;
    if (!got) {
      const body = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: o.name, namespace: o.namespace },
        spec: spec(undefined, now),
      };
      const r = await o.client.send("POST", base, body, perm("create"));
      if (r.status === 201 || r.status === 200) {
        observe(r.body as Lease);
        lastRenew = now;
        setLeading(true);
      }
      return;
    }
    observe(got);
    const s = got.spec ?? {};
    const free = !s.holderIdentity || s.holderIdentity === o.identity || observedAt + observedDurationMs <= now;
    if (!free) {
      setLeading(false);
      return;
    }
    const r = await o.client.send("PUT", path, { ...got, spec: spec(got, now) }, perm("update"));
    if (r.status === 200) {
      observe(r.body as Lease);
      lastRenew = now;
      setLeading(true);
    } else if (r.status === 409) {
      setLeading(false);
    } else {
      throw new Error(`Lease ${o.namespace}/${o.name}: the API server answered ${r.status} to the update.`);
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, ms));
  }

  function tick(): void {
    if (stopped || running) return;
    running = attempt()
      .catch((err) => {
        o.log(`leader election: ${(err as Error).message}`);
      })
      .finally(() => {
        running = undefined;
        // A holder that could not renew in time steps down before anyone may take over.
        if (leading && Date.now() - lastRenew >= o.renewDeadlineMs) setLeading(false);
        if (leading) schedule(o.retryPeriodMs);
        else {
          // A follower looks again when the holder's term would end, or after retryPeriod, whichever is first.
          const expiresIn = holder ? observedAt + observedDurationMs - Date.now() + 5 : 0;
          schedule(Math.min(o.retryPeriodMs, Math.max(0, expiresIn)));
        }
      });
  }

  const informer: Informer = startInformer(
    o.client,
    {
      path: base,
      query: { fieldSelector: `metadata.name=${o.name}` },
      perm: { verb: "list", resource: "leases", group: "coordination.k8s.io", namespace: o.namespace },
      meaning: (obj) => recordOf(obj),
      timeoutSeconds: 120,
    },
    {
      onChange(change) {
        if (change.kind === "deleted") {
          observe(undefined);
          if (!leading) schedule(0);
          return;
        }
        observe(change.object);
        if (!leading) {
          const expiresIn = holder ? observedAt + observedDurationMs - Date.now() + 5 : 0;
          schedule(Math.min(o.retryPeriodMs, Math.max(0, expiresIn)));
        }
      },
      onError: (err) => o.log(`leader election: watching the Lease: ${err.message}`),
    },
  );
  schedule(0);

  return {
    isLeader: () => leading && Date.now() - lastRenew < o.renewDeadlineMs,
    watching: () => informer.synced(),
    holder: () => holder,
    async stop(release = true) {
      stopped = true;
      if (timer) clearTimeout(timer);
      informer.stop();
      await running;
      if (!leading) return;
      leading = false;
      o.onStoppedLeading();
      if (!release) return;
      try {
        const got = (await o.client.get(path, perm("get"), true)) as Lease | undefined;
        if (got?.spec?.holderIdentity === o.identity) {
          const now = Date.now();
          const released = { ...got.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(now) };
          await o.client.send("PUT", path, { ...got, spec: released }, perm("update"));
          o.log(`leader election: ${o.identity} released Lease ${o.namespace}/${o.name}`);
        }
      } catch (err) {
        o.log(`leader election: releasing the Lease: ${(err as Error).message}`);
      }
    },
  };
}
