// What both providers do around the core: open a controller session from the resolved connection, close it, and
// turn failures after the first possible write into partial failures the engine records (so nothing is orphaned).
import { type AviSession, createAviSession } from "../../provider/avi";
import { isUnknown, pick } from "./canonical";
import { resolveAvi, type Settings } from "./connection";
import { CONNECTION_KEYS, type ConnectionProps } from "./props";

export interface CheckOutcome<T> {
  inputs: T;
  failures: { property: string; reason: string }[];
}

/** Runs `work` with a session for these props, logging out afterwards whatever happens. */
export async function withSession<T>(
  props: ConnectionProps & { tenant?: string },
  settings: Settings | undefined,
  work: (s: AviSession) => Promise<T>,
): Promise<T> {
  const { connection, problems } = resolveAvi(props, settings ?? {});
  if (!connection) throw new Error(problems.map((p) => p.reason).join(" "));
  const session = createAviSession(connection);
  try {
    return await work(session);
  } finally {
    await session.logout().catch(() => undefined);
  }
}

/**
 * The host maps an error carrying `id` to ErrorResourceInitFailed: the engine then records the object (with these
 * properties as its state) instead of forgetting it, and the next `up` updates it or `destroy` removes it.
 */
export function partialFailure(err: unknown, id: string, properties: object): Error {
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(message), {
    id,
    properties: JSON.parse(JSON.stringify(properties)),
    reasons: [message],
  });
}

/** The connection args as given (never config or environment values: those must not reach the state). */
export function connectionArgs(news: Record<string, unknown>): ConnectionProps {
  return pick(news as ConnectionProps, CONNECTION_KEYS);
}

/** The credentials problem, only when every value it depends on is known (no guessing during preview). */
export function credentialFailures(
  props: ConnectionProps & { tenant?: string },
  settings: Settings | undefined,
): { property: string; reason: string }[] {
  if (isUnknown(props)) return [];
  return resolveAvi(props, settings ?? {}).problems;
}
