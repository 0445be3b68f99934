import * as assert from "node:assert/strict";
import {
  AviError,
  type AviSession,
  applyRoutes,
  applyVirtualService,
  type VirtualServiceSpec,
} from "../../../provider/avi";
import { type Rig, ours, seedRoutes, seedService, seedSpec, startRig, vrfRoutes } from "./seed";

const CLUSTER = "c1";
const target = { cluster: CLUSTER };

/** One full reconcile, as the SDK runs it: routes, then the virtual service. */
async function reconcile(s: AviSession, spec: VirtualServiceSpec): Promise<number> {
  const r = await applyRoutes(s, target, seedRoutes(CLUSTER));
  const v = await applyVirtualService(s, spec);
  return r.writes + v.writes;
}

/** Converged: exactly our objects for `spec` (nothing duplicated, nothing orphaned), our 2 routes, and a re-run writes nothing. */
async function assertConverged(rig: Rig, spec: VirtualServiceSpec): Promise<void> {
  const { avi, session } = rig;
  assert.deepEqual(
    ours(avi, "virtualservice", CLUSTER).map((o) => o.name),
    ["c1--default-web"],
  );
  assert.deepEqual(
    ours(avi, "vsvip", CLUSTER).map((o) => o.name),
    ["c1--default-web"],
  );
  assert.deepEqual(
    ours(avi, "pool", CLUSTER)
      .map((o) => o.name)
      .sort(),
    spec.pools.map((p) => p.name).sort(),
  );
  for (const t of ["virtualservice", "vsvip", "pool"]) {
    assert.equal(avi.objects(t).length, ours(avi, t, CLUSTER).length, `no stray ${t}`);
  }
  for (const pool of ours(avi, "pool", CLUSTER)) {
    const want = spec.pools.find((p) => p.name === pool.name)!;
    assert.equal((pool.servers as unknown[]).length, want.servers.length);
  }
  const routes = vrfRoutes(avi);
  assert.deepEqual(
    routes.map((r) => r.route_id),
    seedRoutes(CLUSTER).map((r) => r.routeId),
  );
  const before = avi.writes().length;
  assert.equal(await reconcile(session, spec), 0);
  assert.equal(avi.writes().length, before);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WritePoint {
  label: string;
  methods: string[];
  path: RegExp;
}

/** Every write a fresh seed apply makes, and every write of a later port change. */
const CREATE_POINTS: WritePoint[] = [
  { label: "PUT vrfcontext", methods: ["PUT"], path: /^\/api\/vrfcontext/ },
  { label: "POST vsvip", methods: ["POST"], path: /^\/api\/vsvip/ },
  { label: "POST pool", methods: ["POST"], path: /^\/api\/pool/ },
  { label: "POST virtualservice", methods: ["POST"], path: /^\/api\/virtualservice/ },
];
const MOVE_POINTS: WritePoint[] = [
  { label: "POST pool (new port)", methods: ["POST"], path: /^\/api\/pool/ },
  { label: "PUT virtualservice", methods: ["PUT"], path: /^\/api\/virtualservice/ },
  { label: "DELETE pool (old port)", methods: ["DELETE"], path: /^\/api\/pool/ },
];

function movedSpec(): VirtualServiceSpec {
  const svc = seedService();
  svc.ports[0]!.port = 8443;
  return seedSpec(CLUSTER, svc);
}

describe("provider/avi under injected faults (Avi emulator)", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  for (const point of CREATE_POINTS) {
    it(`converges with no duplicate or orphan after a refused ${point.label} on first apply`, async () => {
      rig.avi.faults.failNext({ kind: "status", status: 500, body: '{"error":"Bad pb: injected"}' }, 1, point);
      const err = await reconcile(rig.open({ maxRetries: 0 }), seedSpec(CLUSTER)).catch((e: unknown) => e);
      assert.ok(err instanceof AviError, `${point.label}: expected an AviError`);
      assert.equal(err.status, 500);
      await reconcile(rig.session, seedSpec(CLUSTER));
      await assertConverged(rig, seedSpec(CLUSTER));
    });

    it(`converges with no duplicate after ${point.label} was applied but its answer was lost`, async () => {
      rig.avi.faults.set({ latencyMs: 400, ...point });
      const impatient = rig.open({ timeoutMs: 100, maxRetries: 0 });
      const err = await reconcile(impatient, seedSpec(CLUSTER)).catch((e: unknown) => e);
      assert.ok(err instanceof AviError);
      assert.match(err.message, /timeout/);
      await sleep(600); // let the controller finish the write the client gave up on
      rig.avi.faults.clear();
      await reconcile(rig.session, seedSpec(CLUSTER));
      await assertConverged(rig, seedSpec(CLUSTER));
    });
  }

  for (const point of MOVE_POINTS) {
    it(`converges after a refused ${point.label} while moving the service to a new port`, async () => {
      await reconcile(rig.session, seedSpec(CLUSTER));
      rig.avi.faults.failNext({ kind: "status", status: 500 }, 1, point);
      const err = await reconcile(rig.open({ maxRetries: 0 }), movedSpec()).catch((e: unknown) => e);
      assert.ok(err instanceof AviError);
      await reconcile(rig.session, movedSpec());
      await assertConverged(rig, movedSpec());
    });
  }

  it("logs in again when the session expires mid-run (401 and 419) and finishes in the same run", async () => {
    rig.avi.faults.failNext({ kind: "sessionDrop", status: 419 }, 1, { methods: ["POST"], path: /^\/api\/pool/ });
    rig.avi.faults.failNext({ kind: "sessionDrop", status: 401 }, 1, {
      methods: ["GET"],
      path: /^\/api\/virtualservice/,
    });
    await reconcile(rig.session, seedSpec(CLUSTER));
    assert.equal(rig.session.counts().logins, 3);
    await assertConverged(rig, seedSpec(CLUSTER));
  });

  it("rides out 5xx bursts and connection resets within the retry budget", async () => {
    const s = rig.open({ maxRetries: 6 });
    rig.avi.faults.set({ seed: 7, errorRate: 0.3, errorStatus: 503, resetRate: 0.05 });
    await reconcile(s, seedSpec(CLUSTER));
    assert.ok(s.counts().retries > 0, "the burst should have cost retries");
    rig.avi.faults.clear();
    await assertConverged(rig, seedSpec(CLUSTER));
  });

  it("waits out a controller restart (503 everywhere, sessions dropped) mid-run within the retry budget", async () => {
    await reconcile(rig.session, seedSpec(CLUSTER));
    const s = rig.open({ maxRetries: 8, retryBaseMs: 50 });
    await s.get("cloud");
    rig.avi.faults.restart(800);
    await reconcile(s, movedSpec());
    assert.ok(s.counts().retries > 0, "the restart should have cost retries");
    assert.equal(s.counts().logins, 2);
    await assertConverged(rig, movedSpec());
  });

  it("stops with a clear error when a burst outlasts the retry budget, and the next run converges", async () => {
    await applyRoutes(rig.session, target, seedRoutes(CLUSTER));
    rig.avi.faults.failNext({ kind: "status", status: 503 }, 20, { methods: ["POST"], path: /^\/api\/pool/ });
    const err = await applyVirtualService(rig.open({ maxRetries: 2 }), seedSpec(CLUSTER)).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 503);
    assert.match(err.message, /pool c1--default-web-TCP-80/);
    rig.avi.faults.clear();
    await reconcile(rig.session, seedSpec(CLUSTER));
    await assertConverged(rig, seedSpec(CLUSTER));
  });

  it("converges through a 412 storm on the VRF and on object updates", async () => {
    rig.avi.faults.failNext({ kind: "conflict" }, 5, { methods: ["PUT"], path: /^\/api\/vrfcontext/ });
    const routes = await applyRoutes(rig.session, target, seedRoutes(CLUSTER));
    assert.equal(routes.writes, 6);
    await applyVirtualService(rig.session, seedSpec(CLUSTER));
    rig.avi.faults.set({ seed: 3, conflictRate: 0.6, methods: ["PUT"] });
    await reconcile(rig.session, movedSpec());
    rig.avi.faults.clear();
    await assertConverged(rig, movedSpec());
  });

  it("gives up on an endless 412 storm with a clear error and leaves the VRF as it was", async () => {
    rig.avi.faults.failNext({ kind: "conflict" }, 1000, { methods: ["PUT"], path: /^\/api\/vrfcontext/ });
    const err = await applyRoutes(rig.session, { ...target, maxConflictRetries: 4 }, seedRoutes(CLUSTER)).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 412);
    assert.match(err.message, /4 attempts/);
    assert.equal(vrfRoutes(rig.avi).length, 0);
    rig.avi.faults.clear();
    await reconcile(rig.session, seedSpec(CLUSTER));
    await assertConverged(rig, seedSpec(CLUSTER));
  });
});
