// A deliberately small HTTP(S) client for the emulator tests: it builds the Cookie header by hand, as the
// official SDKs do, so tests see exactly what goes over the wire.
import * as http from "node:http";
import * as https from "node:https";
import { type AviEmulator, type AviEmulatorOptions, startAviEmulator } from "../../../emulator/avi";

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk dynamic JSON.
  json: any;
}

export interface ReqOptions {
  body?: unknown;
  form?: string;
  headers?: Record<string, string>;
}

export function send(emu: AviEmulator, method: string, path: string, opts: ReqOptions = {}): Promise<Resp> {
  const url = new URL(path, emu.url);
  const payload = opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (payload !== undefined) {
    headers["Content-Type"] ??= opts.form !== undefined ? "application/x-www-form-urlencoded" : "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers, ca: emu.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export function setCookies(resp: Resp): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of resp.headers["set-cookie"] ?? []) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

export interface Session {
  sid: string;
  csrf: string;
  login: Resp;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Resp>;
}

export async function login(
  emu: AviEmulator,
  defaults: Record<string, string> = { "X-Avi-Version": "22.1.5" },
): Promise<Session> {
  const resp = await send(emu, "POST", "/login", { body: { username: emu.username, password: emu.password } });
  if (resp.status !== 200) throw new Error(`login to the emulator failed with ${resp.status}: ${resp.text}`);
  const cookies = setCookies(resp);
  const sid = cookies.get("avi-sessionid") ?? "";
  const csrf = cookies.get("csrftoken") ?? "";
  return {
    sid,
    csrf,
    login: resp,
    call: (method, path, body, headers = {}) =>
      send(emu, method, path, {
        body,
        headers: {
          Cookie: `csrftoken=${csrf}; sessionid=${sid}; avi-sessionid=${sid}`,
          "X-CSRFToken": csrf,
          Referer: emu.url,
          ...defaults,
          ...headers,
        },
      }),
  };
}

/** Start an emulator per test file and stop it afterwards. */
export function useEmulator(options: AviEmulatorOptions = {}): () => AviEmulator {
  let emu: AviEmulator | undefined;
  before(async () => {
    emu = await startAviEmulator(options);
  });
  after(async () => {
    await emu?.stop();
  });
  return () => {
    if (!emu) throw new Error("the emulator did not start");
    return emu;
  };
}

export function uuidOf(ref: string): string {
  return ref.replace(/#.*$/, "").split("/").pop() ?? "";
}
