// JSON documents as the controller stores them: dynamic by nature, so one loose type for all of them.
// biome-ignore lint/suspicious/noExplicitAny: API payloads are schemaless JSON checked at run time.
export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** An error that becomes an HTTP response: the controller's status and body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Obj | string,
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

export function fail(status: number, error: string): never {
  throw new ApiError(status, { error });
}
