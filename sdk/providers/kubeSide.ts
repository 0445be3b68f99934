// What a virtual service resource writes back to Kubernetes after the controller is converged: the VIP in the
// Service's status.loadBalancer.ingress (type LoadBalancer only; through the status subresource) and Events on
// the Service (VIP assigned, pool updated, refused, controller unreachable); on destroy, the ingress it wrote is
// cleared. None of it ever fails the operation: the controller's objects are what the resource owns, the Service
// is the user's. A failed write becomes a warning in the outputs, and the sync repairs the status between runs.
import * as os from "node:os";
import {
  createEventRecorder,
  type EventRecorder,
  type EventSpec,
  getService,
  type KubeClient,
  kubeSideFields,
  openClient,
  patchServiceIngress,
  serverVersion,
} from "../../provider/kube";
import type { RawService } from "../../provider/kube/raw";
import { desiredIngress, ingressAddresses, ingressMatches, virtualServiceName } from "../../provider/plan";
import { resolveKube } from "../../provider/settings";
import { type Settings, sourcesOf } from "./connection";

/** reportingController of the resources' Events (the sync's are avi-k8s.io/sync). */
export const RESOURCE_EVENT_CONTROLLER = "avi-k8s.io/pulumi";

interface Target {
  cluster: string;
  namespace: string;
  service: string;
  members?: { service: string }[];
}

interface PoolsView {
  [name: string]: { servers?: Record<string, unknown> };
}

const servicesOf = (p: Target) => (p.members ? p.members.map((m) => m.service) : [p.service]);

async function withKube<T>(props: object, settings: Settings | undefined, work: (c: KubeClient) => Promise<T>) {
  const client = await openClient(resolveKube(sourcesOf(props, settings)).connection, { timeoutMs: 15_000 });
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

function recorderFor(client: KubeClient, warnings: string[]): EventRecorder {
  return createEventRecorder(client, {
    controller: RESOURCE_EVENT_CONTROLLER,
    instance: `pulumi@${os.hostname()}`,
    onError: (err) => warnings.push(`Could not record a Kubernetes Event: ${err.message}`),
  });
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** "added 2 (192.168.1.5:8080, ...), removed 1 (...)" between two pool maps; undefined when nothing changed. */
function poolChange(before: PoolsView | undefined, after: PoolsView, name: string): string | undefined {
  const was = Object.keys(before?.[name]?.servers ?? {});
  const now = Object.keys(after[name]?.servers ?? {});
  const added = now.filter((k) => !was.includes(k));
  const removed = was.filter((k) => !now.includes(k));
  if (added.length === 0 && removed.length === 0) return undefined;
  const list = (xs: string[]) => `${xs.slice(0, 5).join(", ")}${xs.length > 5 ? `, +${xs.length - 5}` : ""}`;
  const parts = [
    ...(added.length ? [`added ${added.length} (${list(added)})`] : []),
    ...(removed.length ? [`removed ${removed.length} (${list(removed)})`] : []),
  ];
  return `Pool ${name}: ${parts.join(", ")}; ${now.length} server${now.length === 1 ? "" : "s"} now.`;
}

/**
 * After create or update: writes the VIP into each Service's status (when it is of type LoadBalancer and does not
 * say so already) and records what changed. `vips` gives every address of the VsVip (called only for a dual-stack
 * Service: a single-stack one has `vipAddress`). Returns warnings; never throws.
 */
export async function writeBack(
  p: Target,
  settings: Settings | undefined,
  outs: { vipAddress: string; pools: PoolsView },
  olds: { pools?: PoolsView; vipAddress?: string; members?: { service: string }[] } | undefined,
  vips: () => Promise<string[]>,
): Promise<string[]> {
  const warnings: string[] = [];
  try {
    await withKube(p, settings, async (client) => {
      const events = recorderFor(client, warnings);
      const vs = virtualServiceName(p.cluster, p.namespace, p.service);
      for (const name of servicesOf(p)) {
        const raw = (await getService(client, { namespace: p.namespace, name })) as RawService | undefined;
        if (!raw) continue;
        const regarding = { namespace: p.namespace, name, ...(raw.metadata?.uid ? { uid: raw.metadata.uid } : {}) };
        const side = kubeSideFields(raw);
        for (const pool of Object.keys(outs.pools)) {
          const note = poolChange(olds?.pools, outs.pools, pool);
          if (note) events.record(regarding, { type: "Normal", reason: "PoolUpdated", action: "UpdatePool", note });
        }
        if (side.type !== "LoadBalancer" || !outs.vipAddress) continue;
        const addresses = (side.ipFamilies?.length ?? 0) > 1 ? await vips() : [outs.vipAddress];
        const desired = desiredIngress(addresses.length > 0 ? addresses : [outs.vipAddress], {
          ...(side.ipFamilies ? { families: side.ipFamilies } : {}),
          version: await serverVersion(client),
        });
        if (ingressMatches(side.loadBalancerIngress, desired)) continue;
        try {
          if (await patchServiceIngress(client, regarding, desired)) {
            const note = `VIP ${addresses.join(", ")} of virtual service ${vs} written to status.loadBalancer.ingress.`;
            events.record(regarding, { type: "Normal", reason: "VipAssigned", action: "WriteStatus", note });
          }
        } catch (err) {
          warnings.push(
            `The VIP is on the controller, but writing it to Service ${p.namespace}/${name}'s status failed: ${message(err)}`,
          );
        }
      }
      await events.flush();
    });
  } catch (err) {
    warnings.push(`Could not write the VIP back to the Service: ${message(err)}`);
  }
  // A Service that left a shared VIP no longer has it: clear what we wrote there.
  const now = new Set(servicesOf(p));
  const left = (olds?.members ?? []).map((m) => m.service).filter((s) => !now.has(s));
  if (left.length > 0 && olds?.vipAddress) {
    warnings.push(
      ...(await clearBack({ ...p, members: left.map((service) => ({ service })) }, settings, olds.vipAddress)),
    );
  }
  return warnings;
}

/**
 * After destroy: removes from each Service's status the ingress this resource wrote (only when it names nothing
 * but our VIP: another controller's entry is left alone) and records the release. Never throws.
 */
export async function clearBack(p: Target, settings: Settings | undefined, vipAddress: string | undefined) {
  const warnings: string[] = [];
  try {
    await withKube(p, settings, async (client) => {
      const events = recorderFor(client, warnings);
      for (const name of servicesOf(p)) {
        const raw = (await getService(client, { namespace: p.namespace, name })) as RawService | undefined;
        if (!raw) continue;
        const regarding = { namespace: p.namespace, name, ...(raw.metadata?.uid ? { uid: raw.metadata.uid } : {}) };
        const held = ingressAddresses(kubeSideFields(raw).loadBalancerIngress);
        const vs = virtualServiceName(p.cluster, p.namespace, p.service);
        if (held.length === 0 || !vipAddress || !held.includes(vipAddress)) continue;
        if (await patchServiceIngress(client, regarding, [])) {
          const note = `Virtual service ${vs} deleted: VIP ${held.join(", ")} released and cleared from status.loadBalancer.ingress.`;
          events.record(regarding, { type: "Normal", reason: "VipReleased", action: "WriteStatus", note });
        }
      }
      await events.flush();
    });
  } catch (err) {
    warnings.push(`Could not clear the VIP from the Service's status: ${message(err)}`);
  }
  return warnings;
}

/** One Event on each Service of the resource (a refusal, an unreachable controller); failures are ignored. */
export async function recordOnServices(
  p: Target,
  settings: Settings | undefined,
  event: EventSpec,
  only?: readonly string[],
): Promise<void> {
  try {
    await withKube(p, settings, async (client) => {
      const events = recorderFor(client, []);
      for (const name of only ?? servicesOf(p)) {
        const raw = (await getService(client, { namespace: p.namespace, name })) as RawService | undefined;
        if (raw)
          events.record(
            { namespace: p.namespace, name, ...(raw.metadata?.uid ? { uid: raw.metadata.uid } : {}) },
            event,
          );
      }
      await events.flush();
    });
  } catch {
    // An Event is a courtesy: the operation's own error says it all.
  }
}
