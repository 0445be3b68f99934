// What the sync writes to Kubernetes after each pool it reconciled (SyncEffects): the readiness gate
// avi-k8s.io/pool-member on gated pods (True once the pod's server is in the pool and enabled, False when it is
// disabled), the VIP in status.loadBalancer.ingress when it is missing or wrong (a user cleared it, the API server
// lost it), and Events on the Service (pool updated, VIP assigned, controller unreachable). Every write waits for
// the controller's acknowledgement of the pool (afterPool runs after it) and asks canWrite (the Lease) first.
import { type AviSession, readPoolVips } from "../avi";
import {
  createEventRecorder,
  type EventRecorder,
  getService,
  type KubeClient,
  kubeSideFields,
  patchPodCondition,
  patchServiceIngress,
  serverVersion,
} from "../kube";
import type { RawService } from "../kube/raw";
import {
  classRefusal,
  DEFAULT_LOAD_BALANCER_CLASS,
  desiredIngress,
  ingressMatches,
  gatesWaiting,
  planGates,
  POOL_MEMBER_GATE,
} from "../plan";
import type { PoolReconciled, ServiceSide, SyncEffects } from "./effects";

/** reportingController of the sync's Events. */
export const SYNC_EVENT_CONTROLLER = "avi-k8s.io/sync";

export interface KubeSideOptions {
  kube: KubeClient;
  avi: AviSession;
  /** The class this package answers to; a Service of another class gets no status write. */
  loadBalancerClass?: string;
  /** reportingInstance: this replica. */
  identity: string;
  /** Throws when this replica may not write (the Lease). */
  canWrite(): void;
  warn(message: string): void;
  /** Events per Service and reason within this interval are folded into one; default 60 s. */
  eventIntervalMs?: number;
}

/** Rechecks of a Service with a gated pod still starting: 1 s, doubling to 15 s while it keeps waiting. */
const RECHECK_FIRST_MS = 1000;
const RECHECK_MAX_MS = 15_000;

export interface KubeSideEffects extends SyncEffects {
  /** Writes the Events held back. */
  flush(): Promise<void>;
}

export function createKubeSideEffects(o: KubeSideOptions): KubeSideEffects {
  const ours = o.loadBalancerClass ?? DEFAULT_LOAD_BALANCER_CLASS;
  const events: EventRecorder = createEventRecorder(o.kube, {
    controller: SYNC_EVENT_CONTROLLER,
    instance: o.identity,
    intervalMs: o.eventIntervalMs ?? 60_000,
    beforeWrite: () => o.canWrite(),
    onError: (err) => o.warn(err.message),
  });
  /** VIP addresses by pool uuid: a VIP never moves in place (a new VIP replaces the pools too). */
  const vips = new Map<string, string[]>();
  const waits = new Map<string, number>();

  async function side(p: PoolReconciled): Promise<ServiceSide | undefined> {
    if (p.serviceSide) return p.serviceSide;
    const raw = (await getService(o.kube, { namespace: p.namespace, name: p.service })) as RawService | undefined;
    if (!raw) return undefined;
    return {
      namespace: p.namespace,
      name: p.service,
      ...(raw.metadata?.uid ? { uid: raw.metadata.uid } : {}),
      ...kubeSideFields(raw),
    };
  }

  async function gates(p: PoolReconciled, regarding: { namespace: string; name: string; uid?: string }) {
    for (const g of planGates([
      { name: p.pool, servers: p.servers, ...(p.gatedPods ? { gatedPods: p.gatedPods } : {}) },
    ])) {
      o.canWrite();
      const result = await patchPodCondition(
        o.kube,
        { namespace: p.namespace, name: g.pod, ...(g.uid ? { uid: g.uid } : {}) },
        { type: POOL_MEMBER_GATE, status: g.status, reason: g.reason, message: g.message },
      );
      if (result === "written" && g.status === "False") {
        events.record(regarding, {
          type: "Normal",
          reason: "ReadinessGateFalse",
          action: "SetPodCondition",
          note: `Pod ${g.pod}: ${POOL_MEMBER_GATE} False: ${g.message}`,
        });
      }
    }
  }

  async function status(p: PoolReconciled, svc: ServiceSide, regarding: { namespace: string; name: string }) {
    if (svc.type !== "LoadBalancer" || classRefusal(svc, ours) || !p.poolUuid) return;
    let addresses = vips.get(p.poolUuid);
    if (!addresses) {
      addresses = await readPoolVips(o.avi, p.poolUuid);
      if (addresses.length === 0) return; // no virtual service uses the pool (yet): nothing to publish
      vips.set(p.poolUuid, addresses);
    }
    const desired = desiredIngress(addresses, {
      ...(svc.ipFamilies ? { families: svc.ipFamilies } : {}),
      version: await serverVersion(o.kube),
    });
    if (ingressMatches(svc.loadBalancerIngress, desired)) return;
    o.canWrite();
    if (await patchServiceIngress(o.kube, regarding, desired)) {
      // The Service's other pools in this run see it written (one read of the Service serves them all).
      svc.loadBalancerIngress = desired;
      events.record(regarding, {
        type: "Normal",
        reason: "VipAssigned",
        action: "WriteStatus",
        note: `VIP ${addresses.join(", ")} written to status.loadBalancer.ingress (it was ${svc.loadBalancerIngress?.length ? "different" : "empty"}).`,
      });
    }
  }

  return {
    async afterPool(p) {
      const svc = await side(p);
      if (!svc) return;
      const regarding = { namespace: p.namespace, name: p.service, ...(svc.uid ? { uid: svc.uid } : {}) };
      const c = p.change;
      if (p.written && (c.add.length > 0 || c.remove.length > 0 || c.update.length > 0)) {
        const enabled = p.servers.filter((s) => s.enabled).length;
        const parts = [
          ...(c.add.length ? [`added ${c.add.map((s) => `${s.ip}:${s.port}`).join(", ")}`] : []),
          ...(c.remove.length ? [`removed ${c.remove.map((s) => `${s.ip}:${s.port}`).join(", ")}`] : []),
          ...(c.update.length ? [`changed ${c.update.length}`] : []),
        ];
        events.record(regarding, {
          type: "Normal",
          reason: "PoolUpdated",
          action: "UpdatePool",
          note: `Pool ${p.pool}: ${parts.join("; ")}; ${enabled} of ${p.servers.length} servers enabled.`,
        });
      }
      const problems: string[] = [];
      await gates(p, regarding).catch((err: Error) => problems.push(`readiness gates: ${err.message}`));
      await status(p, svc, regarding).catch((err: Error) => problems.push(`status write-back: ${err.message}`));
      if (problems.length > 0) throw new Error(problems.join("; "));
      const key = `${p.namespace}/${p.service}/${p.pool}`;
      if (!gatesWaiting(p)) {
        waits.delete(key);
        return;
      }
      const next = Math.min(RECHECK_MAX_MS, waits.has(key) ? (waits.get(key) as number) * 2 : RECHECK_FIRST_MS);
      waits.set(key, next);
      return { recheckAfterMs: next };
    },
    onServiceRefused(namespace, service, reason) {
      events.record(
        { namespace, name: service },
        { type: "Warning", reason: "Refused", action: "UpdatePool", note: `${reason} Its pools keep their servers.` },
      );
    },
    onServiceError(namespace, service, err) {
      const e = err as { name?: string; status?: number; code?: string; message?: string };
      if (e?.name !== "AviError" || e.status !== undefined) return;
      events.record(
        { namespace, name: service },
        {
          type: "Warning",
          reason: "ControllerUnreachable",
          action: "UpdatePool",
          note: `The Avi Controller could not be reached; the pool keeps its servers until it answers: ${e.message ?? ""}`,
        },
      );
    },
    flush: () => events.flush(),
  };
}
