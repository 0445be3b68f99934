// What both providers do around the core: resolve the connection where the state says the objects are, share one
// controller session per connection across resources and operations (provider/avi/pool.ts), and turn failures
// after a write into partial failures the engine records (so nothing is orphaned), and only those: a failure
// before anything was written (refused login, TLS, unreachable controller) must not leave a resource in the state.
import {
  type AviConnection,
  type AviSession,
  countingWrites,
  createSessionPool,
  type SessionPool,
} from "../../provider/avi";
import { resolveAvi, type SettingProblem, validateSettings } from "../../provider/settings";
import { isUnknown } from "./canonical";
import { type Settings, sourcesOf } from "./connection";
import { configuredController, controllerRefusal, recordedOf, repointRefusal } from "./location";

export interface CheckOutcome<T> {
  inputs: T;
  failures: { property: string; reason: string }[];
}

/** One pool per provider process: both providers' modules load this one module, so they share it. */
const pool: SessionPool = createSessionPool();

/** Logs every shared session out now (tests, and anything that wants a clean controller). */
export function closeSessions(): Promise<void> {
  return pool.closeAll();
}

/**
 * The connection to the controller `props` records (update: the checked inputs; read and delete: the outputs),
 * with the args they hold, then stack config, then the environment. Throws, before any request, when the
 * configuration names another controller, or when something is missing.
 */
export function connectionFor(props: object, settings: Settings | undefined, operation: string): AviConnection {
  const sources = sourcesOf(props, settings);
  const recorded = recordedOf(props as Record<string, unknown>);
  const refusal = controllerRefusal(recorded, sources, operation);
  if (refusal) throw new Error(refusal);
  const fallback = {
    ...(recorded.controllerUrl ? { controller: recorded.controllerUrl } : {}),
    ...(recorded.tenant ? { tenant: recorded.tenant } : {}),
  };
  const { connection, problems } = resolveAvi(sources, fallback);
  if (!connection) {
    const stateOnly = operation === "Delete" || operation === "Refresh";
    throw new Error(
      problems
        .map((p) =>
          stateOnly && p.property === "password"
            ? `No Avi password or token for ${fallback.controller ?? "the controller"}: refresh and destroy receive only the state, which keeps no secret; set avi-k8s:password (secret) in stack config or AVI_PASSWORD (or a token).`
            : p.reason,
        )
        .join(" "),
    );
  }
  // Every object call names its tenant; the session's default is the recorded one too, so sessions are shared.
  return { ...connection, ...(recorded.tenant ? { tenant: recorded.tenant } : {}) };
}

/**
 * Refresh's connection. With a configured controller other than the recorded one it connects to the configured
 * one: that is this resource's controller under a new address only if it holds the object the state recorded
 * (same uuid), which the caller checks before recording it (`repointed`); otherwise it throws `refusal`.
 */
export function refreshConnection(
  props: object,
  settings: Settings | undefined,
): { conn: AviConnection; repointed?: { url: string; refusal: string } } {
  const recorded = recordedOf(props as Record<string, unknown>);
  const now = configuredController(sourcesOf(props, settings));
  if (!now || !recorded.controllerUrl || now.value === recorded.controllerUrl) {
    return { conn: connectionFor(props, settings, "Refresh") };
  }
  const conn = connectionFor({ ...props, controllerUrl: now.value, controller: now.value }, settings, "Refresh");
  return { conn, repointed: { url: now.value, refusal: repointRefusal(recorded.controllerUrl, now) } };
}

/** A read-only operation on the shared session. */
export function reading<T>(conn: AviConnection, work: (s: AviSession) => Promise<T>): Promise<T> {
  return pool.use(conn, work);
}

/**
 * A writing operation on the shared session. When it fails after sending a write, the error carries `id` and
 * `properties`: the host maps that to ErrorResourceInitFailed, the engine records the object (with these
 * properties as its state) instead of forgetting it, and the next `up` updates it or `destroy` removes it.
 * `inputs` are the call's inputs: their `__provider` goes into the properties, because the host adds it to
 * results but not to errors, and a recorded state without it cannot be deleted ("code must be a string").
 */
export async function writing<T>(
  conn: AviConnection,
  id: string,
  properties: () => object,
  work: (s: AviSession) => Promise<T>,
  inputs: object = {},
): Promise<T> {
  let view: ReturnType<typeof countingWrites> | undefined;
  try {
    return await pool.use(conn, (s) => {
      view = countingWrites(s);
      return work(view);
    });
  } catch (err) {
    const provider = (inputs as { __provider?: unknown }).__provider;
    if (view && view.written() > 0) {
      throw partialFailure(err, id, { ...properties(), ...(provider === undefined ? {} : { __provider: provider }) });
    }
    throw err;
  }
}

export function partialFailure(err: unknown, id: string, properties: object): Error {
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(message), {
    id,
    properties: JSON.parse(JSON.stringify(properties)),
    reasons: [message],
  });
}

/**
 * check()'s connection problems: invalid values in any place (the args as the program gave them), and, only when
 * every value it depends on is known (so preview never guesses), a connection that cannot be made to the place
 * `props` records.
 */
export function connectionFailures(args: object, props: object, settings: Settings | undefined): SettingProblem[] {
  const invalid = sourcesOf(args, settings).flatMap((s) => validateSettings(s, isUnknown));
  if (invalid.length > 0 || isUnknown(props)) return invalid;
  const recorded = recordedOf(props as Record<string, unknown>);
  return resolveAvi(sourcesOf(props, settings), recorded.controllerUrl ? { controller: recorded.controllerUrl } : {})
    .problems;
}
