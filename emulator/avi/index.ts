// The Avi Controller emulator: a stateful HTTPS server on 127.0.0.1 that behaves like the controller's REST API
// for what this project manages (research/avi-api.md; checked against recorded controller traffic).
//
//   const avi = await startAviEmulator({ sessionIdleTimeoutMs: 2000 });
//   avi.url, avi.username, avi.password, avi.caCert / avi.caFile   // HTTPS with a CA made at start
//   avi.requestLog          // [{method, path, query, status, tenant, time}], every request in arrival order
//   avi.writes()            // the log entries of POST/PUT/PATCH/DELETE under /api/
//   avi.objects("pool", "admin")  // stored objects (refs host-less: /api/<type>/<uuid>), for assertions
//   avi.faults.set({ seed: 7, errorRate: 0.2, errorStatus: 503, resetRate: 0.05, latencyMs: [0, 20],
//                    sessionDropRate: 0.1, sessionDropStatus: 419, conflictRate: 0.3, methods: ["PUT"] })
//   avi.faults.failNext({ kind: "conflict" }, 2, { path: /vrfcontext/ })   // exact, for deterministic tests
//   avi.faults.restart(1500)  // 503 everywhere incl. GET /api/cluster/status, sessions dropped, then back
//   avi.faults.clear();  await avi.stop();
//   avi.ui                  // the live view: a read-only page at / (log in with the emulator's credentials)
//   avi.changeLog()         // the last writes the page lists: [{seq, time, method, type, name, summary, user, agent}]
//
//   await startAviEmulator({ fixture: "ako" })   // start from AKO 2.2.1's footprint for the seed cluster (fixtures.ts)
//   avi.load("ako-foreign") / avi.load(steps)      // apply a named fixture or FixtureStep[] to a running emulator
//
// Options: port, http (plain HTTP), stateDir (durable state), username/password (default admin + generated),
// sessionIdleTimeoutMs (15 min), sessionExpiredStatus (401 | 419), maxLoginFailures (20) and lockoutMs (30 min),
// serversPerPool (5000), routesPerVrf (10000), controllerVersion ("30.2.1"), allowBasicAuth, faults, fixture (applied
// only to a fresh state, not to one loaded from stateDir), changeLogSize (200 writes kept for the live view),
// uiHeartbeatMs (15 s: the live view's ping and session check).
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { generateTls, type TlsMaterial } from "../common/tls";
import { type AuthConfig, newAuthState, randomToken } from "./auth";
import { type ChangeEntry, createChangeLog } from "./changelog";
import { seedFreshController } from "./defaults";
import { createFaults, type FaultKnobs, type FaultsHandle } from "./faults";
import { type AviFixtureName, aviFixture, applyFixture, type FixtureStep } from "./fixtures";
import { clone, type Obj } from "./json";
import { loadState, saveState } from "./persistence";
import { createHandler, type RequestLogEntry, type ServerContext } from "./server";
import { all, emptyState, find, type State, tenantOf } from "./store";

export type { AkoCluster, AkoEndpoint, AkoNode, AkoPort, AkoService } from "./ako";
export { akoNames, akoPrerequisites, akoRouteId, akoRoutes, akoServiceSteps, akoSteps } from "./ako";
export type { ChangeEntry } from "./changelog";
export type { FaultKnobs, FaultsHandle, ScriptedFault } from "./faults";
export {
  AVI_FIXTURES,
  type AviFixtureName,
  aviFixture,
  type FixtureStep,
  OTHER_AKO_CLUSTER,
  SEED_AKO_CLUSTER,
} from "./fixtures";
export type { Obj } from "./json";
export type { LiveState } from "./livestate";
export type { RequestLogEntry } from "./server";

export interface AviEmulatorOptions {
  port?: number;
  stateDir?: string;
  http?: boolean;
  username?: string;
  password?: string;
  sessionIdleTimeoutMs?: number;
  sessionExpiredStatus?: 401 | 419;
  maxLoginFailures?: number;
  lockoutMs?: number;
  serversPerPool?: number;
  routesPerVrf?: number;
  controllerVersion?: string;
  /** Start with systemconfiguration.portal_configuration.allow_basic_authentication = true. */
  allowBasicAuth?: boolean;
  faults?: FaultKnobs;
  /** Objects to start with: a named fixture or steps; applied only when the state is fresh. */
  fixture?: AviFixtureName | FixtureStep[];
  changeLogSize?: number;
  uiHeartbeatMs?: number;
}

export interface AviEmulator {
  url: string;
  /** The live view's address (the page at /). */
  ui: string;
  username: string;
  password: string;
  caFile?: string;
  caCert?: string;
  requestLog: RequestLogEntry[];
  faults: FaultsHandle;
  /** Log entries of the writes (POST/PUT/PATCH/DELETE under /api/), optionally of one type. */
  writes(type?: string): RequestLogEntry[];
  /** Stored objects of a type, optionally of one tenant (by name or uuid); deep copies. */
  objects(type: string, tenant?: string): Obj[];
  object(type: string, uuid: string): Obj | undefined;
  /** The last successful writes, oldest first (what the live view lists). */
  changeLog(): ChangeEntry[];
  /** Number of live login sessions. */
  sessionCount(): number;
  /** Apply a named fixture or fixture steps now, as the writer's requests would be (throws naming a refused step). */
  load(fixture: AviFixtureName | FixtureStep[]): void;
  clearLog(): void;
  stop(): Promise<void>;
}

// Key generation takes about a second; emulators started by one process share one CA and certificate. Each
// start writes its own ca.crt in a directory of its own, which stop() removes, and the process's exit removes
// any that a caller never stopped, so no exit path leaves a directory in the temp dir.
let processTls: Promise<TlsMaterial> | undefined;
const liveTlsDirs = new Set<string>();
let exitHook = false;

function sharedTls(): Promise<TlsMaterial> {
  processTls ??= (async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "avi-emulator-ca-"));
    try {
      return await generateTls("avi-emulator", scratch);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  })();
  return processTls;
}

function removeTlsDir(dir: string): void {
  liveTlsDirs.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

async function startTls(): Promise<TlsMaterial & { dir: string }> {
  const tls = await sharedTls();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-emulator-tls-"));
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => [...liveTlsDirs].forEach(removeTlsDir));
  }
  liveTlsDirs.add(dir);
  const caFile = path.join(dir, "ca.crt");
  fs.writeFileSync(caFile, tls.caCert);
  return { ...tls, caFile, dir };
}

export async function startAviEmulator(options: AviEmulatorOptions = {}): Promise<AviEmulator> {
  let state: State | undefined = options.stateDir ? loadState(options.stateDir) : undefined;
  const limits = { serversPerPool: options.serversPerPool ?? 5000, routesPerVrf: options.routesPerVrf ?? 10000 };
  const load = (target: State, fixture: AviFixtureName | FixtureStep[]) => {
    const steps = typeof fixture === "string" ? aviFixture(fixture) : fixture;
    applyFixture(target, steps, limits, typeof fixture === "string" ? `fixture ${fixture}` : "fixture");
  };
  if (!state) {
    state = emptyState();
    seedFreshController(state);
    if (options.fixture !== undefined) load(state, options.fixture);
  }
  const sysconf = find(state, "systemconfiguration", "default");
  if (options.allowBasicAuth && sysconf) sysconf.portal_configuration.allow_basic_authentication = true;
  const stateDir = options.stateDir;
  const current = state;
  const commit = () => {
    if (stateDir) saveState(stateDir, current);
  };
  commit();

  const authConfig: AuthConfig = {
    username: options.username ?? "admin",
    password: options.password ?? randomToken(undefined, 20),
    idleTimeoutMs: options.sessionIdleTimeoutMs ?? 15 * 60_000,
    maxLoginFailures: options.maxLoginFailures ?? 20,
    lockoutMs: options.lockoutMs ?? 30 * 60_000,
  };
  const auth = newAuthState();
  const faults = createFaults(options.faults);
  faults.onRestart(() => auth.sessions.clear());
  const secure = !options.http;
  const log: RequestLogEntry[] = [];
  const changes = createChangeLog(options.changeLogSize ?? 200);
  const ctx: ServerContext = {
    state,
    auth,
    authConfig,
    faults,
    limits,
    secure,
    controllerVersion: options.controllerVersion ?? "30.2.1",
    expiredStatus: options.sessionExpiredStatus ?? 401,
    log,
    changes,
    uiHeartbeatMs: options.uiHeartbeatMs ?? 15_000,
    commit,
  };
  const handler = createHandler(ctx);
  const tls = secure ? await startTls() : undefined;
  const server: http.Server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const isWrite = (e: RequestLogEntry) => e.method !== "GET" && e.path.startsWith("/api/");
  const url = `${secure ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url,
    ui: `${url}/`,
    username: authConfig.username,
    password: authConfig.password,
    caFile: tls?.caFile,
    caCert: tls?.caCert,
    requestLog: log,
    faults,
    writes: (type) => log.filter((e) => isWrite(e) && (!type || e.path.split("/")[2] === type)),
    objects(type, tenant) {
      return all(current, type)
        .filter((o) => {
          if (tenant === undefined) return true;
          const owner = find(current, "tenant", tenantOf(o));
          return tenantOf(o) === tenant || owner?.name === tenant;
        })
        .map((o) => clone(o));
    },
    object: (type, uuid) => clone(find(current, type, uuid)),
    changeLog: () => changes.entries(),
    sessionCount: () => auth.sessions.size,
    load(fixture) {
      load(current, fixture);
      commit();
    },
    clearLog: () => {
      log.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        faults.clear();
        if (tls) removeTlsDir(tls.dir);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
