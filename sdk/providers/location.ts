// Where a resource's objects live: the controller, the tenant and the Kubernetes API server, recorded in its state
// at create whatever named them (args, stack config or environment), and one rule for all three afterwards:
// - every later operation acts there;
// - a value from stack config or the environment that names another place stops the operation before anything is
//   sent to that place, in one sentence naming both and the way out (a changed AVI_CONTROLLER must never move or
//   orphan objects, nor replace them);
// - a changed resource argument is deliberate: a new controller or tenant replaces the resource (delete where
//   recorded, create at the new place), a new Kubernetes server is recorded by the next update (the objects stay,
//   their members follow the cluster now named);
// - `pulumi refresh` records a new controller address when the controller there holds this resource's objects
//   (the same uuids): the same controller under another name.
import { kubeServerOf } from "../../provider/kube";
import { nameIn, resolveKube, type SettingsSource, type SourceKind } from "../../provider/settings";
import { isUnknown, UNKNOWN } from "./canonical";
import { type Settings, sourcesOf } from "./connection";

export interface Recorded {
  controllerUrl?: string;
  tenant?: string;
  kubeServer?: string;
}

/** What a state says; an earlier version recorded only a controller given as an argument, and the tenant. */
export function recordedOf(state: Record<string, unknown>): Recorded {
  const s = (v: unknown) => (typeof v === "string" && v !== "" && !isUnknown(v) ? v : undefined);
  const controllerUrl = s(state.controllerUrl) ?? s(state.controller);
  const out: Recorded = {};
  if (controllerUrl) out.controllerUrl = controllerOrigin(controllerUrl);
  if (s(state.tenant)) out.tenant = s(state.tenant);
  if (s(state.kubeServer)) out.kubeServer = s(state.kubeServer);
  return out;
}

/** https://Avi.Example.com:443/ -> https://avi.example.com: one controller, one spelling. */
export function controllerOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export interface Configured {
  value: string;
  from: SourceKind | "default";
}

/** The first place that names the controller now, e.g. {value: "https://b", from: "env"}. */
export function configuredController(sources: readonly SettingsSource[]): Configured | undefined {
  for (const s of sources) {
    const v = s.values.controller;
    if (typeof v === "string" && v !== "") return { value: isUnknown(v) ? v : controllerOrigin(v), from: s.kind };
  }
  return undefined;
}

export function configuredTenant(sources: readonly SettingsSource[]): Configured | undefined {
  for (const s of sources) {
    const v = s.values.tenant;
    if (typeof v === "string" && v !== "") return { value: v, from: s.kind };
  }
  return undefined;
}

type Key = "controllerUrl" | "tenant" | "kubeServer";

const PLACE: Record<Key, (v: string) => string> = {
  controllerUrl: (v) => `the Avi Controller ${v}`,
  tenant: (v) => `tenant ${v}`,
  kubeServer: (v) => `the Kubernetes API server ${v}`,
};

function source(key: Key, c: Configured): string {
  if (key === "kubeServer") {
    return c.from === "default"
      ? "the default kubeconfig (KUBECONFIG or ~/.kube/config)"
      : `the kubeconfig ${c.from === "config" ? "in stack config" : "of the resource's arguments"}`;
  }
  return (c.from === "default" ? undefined : nameIn(c.from, key === "tenant" ? "tenant" : "controller")) ?? key;
}

/**
 * The one sentence every refusal uses: both places, that nothing was sent to the new one, and the ways out.
 * `operation` is "Refused" (preview and up), "Update refused" or "Delete refused".
 */
export function mismatchMessage(key: Key, recorded: string, now: Configured, operation: string): string {
  const where = source(key, now);
  if (key === "kubeServer") {
    return `${operation}: this resource's routes and servers come from ${PLACE[key](recorded)} (recorded in its state) but ${where} leads to ${now.value}, so nothing was read there; point it back at ${recorded}, or, to follow the other server on purpose, name it in the resource's kubernetes arguments (the update records it).`;
  }
  const head = `${operation}: this resource's objects are on ${PLACE[key](recorded)} (recorded in its state) but ${where} names ${now.value}, so nothing was sent to ${key === "tenant" ? "tenant " : ""}${now.value}`;
  const arg = key === "tenant" ? "avi.tenant" : "avi.controller";
  const sameController =
    key === "controllerUrl"
      ? `if ${now.value} is the same controller under another address, run \`pulumi refresh\` to record it`
      : "";
  if (operation.startsWith("Delete")) {
    const gone = `if ${recorded} is gone for good, forget the resource with \`pulumi state delete\``;
    return `${head}; point it back at ${recorded} (with its credentials) to delete them there, ${sameController ? `${sameController} first, or, ` : "or, "}${gone}.`;
  }
  const move = `move the resource on purpose by setting its ${arg} argument to ${now.value} (Pulumi replaces it)`;
  return sameController
    ? `${head}; point it back at ${recorded}, ${move}, or, ${sameController}.`
    : `${head}; point it back at ${recorded}, or ${move}.`;
}

const same = (key: Key, a: string, b: string) =>
  key === "controllerUrl"
    ? controllerOrigin(a) === controllerOrigin(b)
    : key === "kubeServer"
      ? a.replace(/\/+$/, "") === b.replace(/\/+$/, "")
      : a === b;

export interface Located {
  controllerUrl?: string;
  tenant: string;
  kubeServer?: string;
}

/**
 * check(): where the resource lives after this run. A value configured now that differs from the recorded one is
 * taken only when it is a resource argument (a deliberate move, which diff turns into a replacement or an update);
 * from stack config or the environment it is a failure on the property named.
 */
export function locate(
  recorded: Recorded,
  now: Partial<Record<Key, Configured>>,
): { located: Located; failures: { property: string; reason: string }[] } {
  const failures: { property: string; reason: string }[] = [];
  const out: Record<string, string | undefined> = {};
  for (const key of ["controllerUrl", "tenant", "kubeServer"] as const) {
    const rec = recorded[key];
    const c = now[key];
    if (!c) out[key] = rec;
    else if (isUnknown(c.value)) out[key] = UNKNOWN;
    else if (!rec || same(key, rec, c.value) || c.from === "args") out[key] = c.value;
    else {
      failures.push({
        property: key === "controllerUrl" ? "controller" : key === "kubeServer" ? "kubeconfig" : "tenant",
        reason: mismatchMessage(key, rec, c, "Refused"),
      });
      out[key] = rec;
    }
  }
  const located: Located = { tenant: out.tenant ?? "admin" };
  if (out.controllerUrl) located.controllerUrl = out.controllerUrl;
  if (out.kubeServer) located.kubeServer = out.kubeServer;
  return { located, failures };
}

/**
 * update/read/delete: the configured controller, when it is not the recorded one, as the error to throw; the
 * configured credentials belong to the controller configured, so they are never sent to the recorded one either.
 */
export function controllerRefusal(
  recorded: Recorded,
  sources: readonly SettingsSource[],
  operation: string,
): string | undefined {
  const now = configuredController(sources);
  if (!now || !recorded.controllerUrl || same("controllerUrl", recorded.controllerUrl, now.value)) return undefined;
  return mismatchMessage("controllerUrl", recorded.controllerUrl, now, operation);
}

/** Refresh found another controller at the configured address (it does not hold the recorded objects). */
export function repointRefusal(recorded: string, now: Configured): string {
  const where = source("controllerUrl", now);
  return `Refresh refused: this resource's objects are on the Avi Controller ${recorded} (recorded in its state) but ${where} names ${now.value}, which does not hold them (another controller, not ${recorded} under a new address); point it back at ${recorded}, or move the resource on purpose by setting its avi.controller argument to ${now.value} (Pulumi replaces it).`;
}

/** A move to another controller or tenant is a replacement (diff says so); an update never is one. */
export function refuseMove(olds: object | undefined, news: object): void {
  if (!olds) return;
  const was = recordedOf(olds as Record<string, unknown>);
  const now = recordedOf(news as Record<string, unknown>);
  for (const k of ["controllerUrl", "tenant"] as const) {
    const a = was[k];
    const b = now[k];
    if (a && b && a !== b) {
      const what = k === "tenant" ? "tenant " : "the Avi Controller ";
      throw new Error(
        `Update refused: this resource's objects are on ${what}${a} (recorded in its state) and an update never moves them to ${b}; run \`pulumi preview\` again, which shows the move as a replacement.`,
      );
    }
  }
}

/** The Kubernetes API server the settings in effect lead to (read from the kubeconfig, not contacted). */
export function configuredKubeServer(props: object, settings: Settings | undefined): Configured | undefined {
  const sources = sourcesOf(props, settings);
  if (sources.some((s) => Object.values(s.values).some(isUnknown))) return undefined;
  const kube = resolveKube(sources);
  return { value: kubeServerOf(kube.connection), from: kube.origin ?? "default" };
}

/** Where the objects live after this run (location.ts), from the old inputs and what is configured now. */
export function placeResource(olds: Record<string, unknown>, args: object, settings: Settings | undefined) {
  const sources = sourcesOf(args, settings);
  const now: Partial<Record<"controllerUrl" | "tenant" | "kubeServer", Configured>> = {};
  const c = configuredController(sources);
  const t = configuredTenant(sources);
  if (c) now.controllerUrl = c;
  if (t) now.tenant = t;
  try {
    const k = configuredKubeServer(args, settings);
    if (k) now.kubeServer = k;
  } catch {
    // An unreadable kubeconfig is reported by the placement read itself, with the file named.
  }
  return locate(recordedOf(olds), now);
}

/**
 * diff()'s view of the old outputs' location: normalised, and where an earlier version recorded nothing, the new
 * value (nothing to compare with is no reason to update, let alone replace; the next write records it).
 */
export function withRecorded<T extends object>(olds: T, news: { controllerUrl?: string; kubeServer?: string }): T {
  const r = recordedOf(olds as Record<string, unknown>);
  return {
    ...olds,
    controllerUrl: r.controllerUrl ?? news.controllerUrl,
    kubeServer: r.kubeServer ?? news.kubeServer,
  };
}
