// The resources' providers as the Pulumi engine runs them: serialized, loaded by @pulumi/pulumi's own
// dynamic-provider host in a separate process, driven over gRPC (Struct round trips, secrets stripped), against
// both emulators. One step sequence per resource, in the order `up`, `refresh` and `destroy` produce.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { HostCallError, type ProviderHost, serializeProvider, startProviderHost, UNKNOWN } from "../../emulator/engine";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import {
  controllerRoutes,
  controllerServers,
  deleteRouteByHand,
  deleteServerByHand,
  type Lab,
  ROUTES_TYPE,
  requestCount,
  startLab,
  VS_TYPE,
} from "./support";

const ROOT = path.resolve(__dirname, "../../..");
const SEED_ROUTES = [
  "192.168.101.0/24 via 10.100.1.101 (clustername=c1)",
  "192.168.102.0/24 via 10.100.1.102 (clustername=c1)",
];
const POOL = "c1--default-web-TCP-80";

type Props = Record<string, unknown>;
/** The server IPs of the (one) pool in checked inputs or outputs: pools by name, servers keyed by "ip:port". */
const serverIps = (props: Props) =>
  Object.keys(Object.values(props.pools as Record<string, { servers: Record<string, string> }>)[0]?.servers ?? {})
    .map((k) => k.split(":")[0])
    .sort();
const prefixes = (routes: unknown) => Object.keys((routes ?? {}) as Record<string, string>).sort();

describe("sdk providers in the real dynamic-provider host", function () {
  this.timeout(60_000);
  let lab: Lab;
  let host: ProviderHost;
  let routesCode: string;
  let vsCode: string;

  before(async () => {
    lab = await startLab();
    routesCode = (await serializeProvider(routesProvider)).text;
    vsCode = (await serializeProvider(virtualServiceProvider)).text;
    // The stack config carries the connection for ClusterIpRoutes; the virtual service gets it as args.
    host = await startProviderHost({ cwd: ROOT, cleanEnv: true, config: lab.config() });
    const answer = await host.configure();
    assert.equal(answer.acceptSecrets, false, "the host must ask the engine to strip secrets");
  });

  after(async () => {
    await host?.stop();
    await lab?.stop();
  });

  it("routes: check, create, no-op diff, hand-deleted route shows on refresh, update repairs, delete", async () => {
    const r = { type: ROUTES_TYPE, name: "routes" };
    const news = { __provider: routesCode, cluster: "c1" };
    const checked = await host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    // Preview shows the routes: they are part of the checked inputs, keyed by prefix.
    assert.deepEqual(checked.inputs.routes, {
      "192.168.101.0/24": "10.100.1.101 node1",
      "192.168.102.0/24": "10.100.1.102 node2",
    });
    assert.equal(checked.inputs.tenant, "admin");
    // Where the objects will live is recorded, although stack config named it.
    assert.equal(checked.inputs.controllerUrl, new URL(lab.avi.url).origin);
    assert.equal(checked.inputs.kubeServer, lab.kube.url);

    const created = await host.create({ ...r, properties: checked.inputs });
    assert.equal(created.id, "admin/Default-Cloud/global/c1");
    assert.deepEqual(controllerRoutes(lab), SEED_ROUTES);
    assert.equal(created.properties.__provider, routesCode);

    const again = await host.check({ ...r, olds: checked.inputs, news });
    const same = await host.diff({ ...r, id: created.id, olds: created.properties, news: again.inputs });
    assert.equal(same.changes, "none", "a Struct round trip (sorted keys) must not read as a change");

    await deleteRouteByHand(lab, "192.168.102.0/24");
    const refreshed = await host.read({ ...r, id: created.id, properties: created.properties });
    assert.equal(refreshed.id, created.id);
    assert.deepEqual(refreshed.properties.routes, { "192.168.101.0/24": "10.100.1.101" }, "what the VRF holds");
    assert.deepEqual(prefixes(refreshed.inputs?.routes), ["192.168.101.0/24"], "the next preview shows the gap");

    const next = await host.check({ ...r, olds: refreshed.inputs, news });
    const drift = await host.diff({ ...r, id: created.id, olds: refreshed.properties, news: next.inputs });
    assert.deepEqual([drift.changes, drift.replaces], ["some", []], "drift is a plain update");
    const updated = await host.update({ ...r, id: created.id, olds: refreshed.properties, news: next.inputs });
    assert.deepEqual(prefixes(updated.properties.routes), ["192.168.101.0/24", "192.168.102.0/24"]);
    assert.deepEqual(controllerRoutes(lab), SEED_ROUTES, "the update puts the route back");

    const renamed = await host.check({ ...r, olds: next.inputs, news: { ...news, cluster: "c2" } });
    const replace = await host.diff({ ...r, id: created.id, olds: updated.properties, news: renamed.inputs });
    assert.deepEqual(replace.replaces, ["cluster"]);
    assert.equal(replace.deleteBeforeReplace, true);

    await host.delete({ ...r, id: created.id, properties: updated.properties });
    assert.deepEqual(controllerRoutes(lab), []);
    const gone = await host.read({ ...r, id: created.id, properties: updated.properties });
    assert.deepEqual(gone.properties.routes, {}, "the VRF stays; it just holds none of ours");
  });

  it("virtual service: a moved pod shows in check/diff and update moves the server; drift is repaired", async () => {
    const r = { type: VS_TYPE, name: "web" };
    const news = {
      __provider: vsCode,
      ...lab.args(),
      cluster: "c1",
      namespace: "default",
      service: "web",
      vip: { address: "10.10.10.50" },
    };
    const checked = await host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    assert.deepEqual(serverIps(checked.inputs), [
      "192.168.101.13",
      "192.168.101.22",
      "192.168.102.17",
      "192.168.102.36",
    ]);

    const created = await host.create({ ...r, properties: checked.inputs });
    assert.equal(created.id, "c1--default-web");
    assert.equal(created.properties.vipAddress, "10.10.10.50");
    assert.match(String(created.properties.virtualServiceUuid), /^virtualservice-/);
    assert.deepEqual(controllerServers(lab, POOL), [
      "192.168.101.13:8080",
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);
    const same = await host.diff({ ...r, id: created.id, olds: created.properties, news: checked.inputs });
    assert.equal(same.changes, "none");

    lab.kube.movePod("default", "web-a", "node2");
    const moved = await host.check({ ...r, olds: checked.inputs, news });
    const movedIps = serverIps(moved.inputs);
    assert.ok(!movedIps.includes("192.168.101.13"), `web-a left node1: ${movedIps.join(", ")}`);
    assert.equal(movedIps.filter((ip) => ip.startsWith("192.168.102.")).length, 3);
    const change = await host.diff({ ...r, id: created.id, olds: created.properties, news: moved.inputs });
    assert.deepEqual([change.changes, change.replaces], ["some", []]);
    const updated = await host.update({ ...r, id: created.id, olds: created.properties, news: moved.inputs });
    assert.deepEqual(serverIps(updated.properties), movedIps);
    assert.deepEqual(
      controllerServers(lab, POOL),
      movedIps.map((ip) => `${ip}:8080`),
    );

    await deleteServerByHand(lab, POOL, "192.168.101.22");
    const refreshed = await host.read({ ...r, id: created.id, properties: updated.properties });
    assert.ok(!serverIps(refreshed.properties).includes("192.168.101.22"), "refresh shows the missing server");
    const next = await host.check({ ...r, olds: refreshed.inputs, news });
    const drift = await host.diff({ ...r, id: created.id, olds: refreshed.properties, news: next.inputs });
    assert.equal(drift.changes, "some");
    await host.update({ ...r, id: created.id, olds: refreshed.properties, news: next.inputs });
    assert.ok(controllerServers(lab, POOL).includes("192.168.101.22:8080"), "the update puts the server back");

    const otherService = await host.diff({
      ...r,
      id: created.id,
      olds: updated.properties,
      news: { ...next.inputs, service: "api" },
    });
    assert.deepEqual(otherService.replaces, ["service"]);

    await host.delete({ ...r, id: created.id, properties: updated.properties });
    assert.deepEqual(lab.avi.objects("virtualservice"), []);
    assert.deepEqual(lab.avi.objects("pool"), []);
    const gone = await host.read({ ...r, id: created.id, properties: updated.properties });
    assert.equal(gone.id, "", "an empty id tells the engine the object is gone");
  });

  it("takes the connection from AVI_* and KUBECONFIG when neither args nor stack config give it", async () => {
    const env = {
      AVI_CONTROLLER: lab.avi.url,
      AVI_USERNAME: lab.avi.username,
      AVI_PASSWORD: lab.avi.password,
      AVI_TENANT: "admin",
      AVI_CA_BUNDLE: lab.avi.caFile ?? "",
      KUBECONFIG: lab.kube.kubeconfig,
    };
    const envHost = await startProviderHost({ cwd: ROOT, cleanEnv: true, env });
    try {
      await envHost.configure({});
      const r = { type: ROUTES_TYPE, name: "from-env" };
      const checked = await envHost.check({ ...r, news: { __provider: routesCode, cluster: "c5" } });
      assert.deepEqual(checked.failures, []);
      for (const k of ["controller", "username", "password"]) assert.equal(checked.inputs[k], undefined, k);
      const created = await envHost.create({ ...r, properties: checked.inputs });
      assert.equal(controllerRoutes(lab).filter((x) => x.endsWith("(clustername=c5)")).length, 2);
      assert.ok(!JSON.stringify(created.properties).includes(lab.avi.password), "environment values stay out of state");
      await envHost.delete({ ...r, id: created.id, properties: created.properties });
      assert.deepEqual(
        controllerRoutes(lab).filter((x) => x.endsWith("(clustername=c5)")),
        [],
      );
    } finally {
      await envHost.stop();
    }
  });

  it("preview-shaped check and diff with unknown inputs do no I/O", async () => {
    const before = requestCount(lab);
    const routes = await host.check({
      type: ROUTES_TYPE,
      name: "later",
      news: { __provider: routesCode, cluster: UNKNOWN, nodeNetworks: [UNKNOWN] },
    });
    assert.deepEqual(routes.failures, []);
    assert.equal(routes.inputs.routes, UNKNOWN, "routes are unknown until the cluster is");
    const vs = await host.check({
      type: VS_TYPE,
      name: "later",
      news: { __provider: vsCode, ...lab.args(), cluster: "c1", service: UNKNOWN, vip: { address: "10.10.10.51" } },
    });
    assert.deepEqual(vs.failures, []);
    assert.equal(vs.inputs.pools, UNKNOWN);
    const olds = { cluster: "c1", vrf: "global", cloud: "Default-Cloud", tenant: "admin", cni: "auto", routes: [] };
    const d = await host.diff({ type: ROUTES_TYPE, name: "later", id: "x", olds, news: routes.inputs });
    assert.equal(d.changes, "some");
    assert.deepEqual(d.replaces, [], "an unknown is not evidence of a replacement");
    assert.equal(requestCount(lab), before, "no request reached either emulator");
  });

  it("check failures name the field and never echo a secret", async () => {
    const bad = await host.check({
      type: ROUTES_TYPE,
      name: "bad",
      news: { __provider: routesCode, cluster: "no spaces!", cni: "weave", nodeNetworks: ["10.0.0.0/33"] },
    });
    assert.deepEqual(bad.failures.map((f) => f.property).sort(), ["cluster", "cni", "nodeNetworks[0]"]);
    const vs = await host.check({
      type: VS_TYPE,
      name: "bad",
      news: {
        __provider: vsCode,
        ...lab.args(),
        cluster: "c1",
        service: "web",
        vip: { address: "10.1.1" },
        ports: [70000],
      },
    });
    assert.deepEqual(vs.failures.map((f) => f.property).sort(), ["ports[0]", "vip.address"]);
    assert.ok(vs.failures.every((f) => !f.reason.includes(lab.avi.password)));
  });

  it("a create that fails before anything was written records nothing: no id, and no password in any message", async () => {
    const r = { type: ROUTES_TYPE, name: "denied" };
    const wrong = "not-the-password-42";
    const writes = lab.avi.writes().length;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["refused login", { ...lab.args(), password: wrong }, /login of user admin .* failed with HTTP 401/],
      ["unreachable controller", { ...lab.args(), controller: "https://127.0.0.1:1" }, /connection refused/],
      ["a CA that did not sign the controller", { ...lab.args(), caBundle: lab.kube.caCert }, /TLS|certificate/],
    ];
    for (const [what, args, says] of cases) {
      const checked = await host.check({ ...r, news: { __provider: routesCode, cluster: "c9", ...args } });
      assert.deepEqual(checked.failures, [], what);
      const err = await host.create({ ...r, properties: checked.inputs }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof HostCallError, `${what}: create must fail`);
      assert.match(err.details, says, what);
      assert.equal(err.initFailed, undefined, `${what}: nothing was written, so the engine must record nothing`);
      assert.ok(!err.details.includes(wrong) && !err.details.includes(lab.avi.password), what);
    }
    assert.equal(lab.avi.writes().length, writes);
    assert.ok(!host.stderr().includes(wrong) && !host.stderr().includes(lab.avi.password));
  });

  it("a failure after a write is a partial failure with the id, and its properties hold no secret", async () => {
    const r = { type: VS_TYPE, name: "half" };
    const news = { __provider: vsCode, ...lab.args(), cluster: "c8", service: "web", vip: { address: "10.10.10.58" } };
    const checked = await host.check({ ...r, news });
    assert.deepEqual(checked.failures, []);
    lab.avi.faults.failNext({ kind: "status", status: 400, body: '{"error":"Invalid pool"}' }, 1, {
      methods: ["POST"],
      path: /^\/api\/pool/,
    });
    const err = await host.create({ ...r, properties: checked.inputs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof HostCallError);
    assert.equal(err.initFailed?.id, "c8--default-web", "the VsVip was written: the engine must record it");
    const recorded = JSON.stringify(err.initFailed?.properties);
    for (const secret of [lab.avi.password, lab.kube.kubeconfigContent]) assert.ok(!recorded.includes(secret));
    assert.deepEqual(
      Object.keys(err.initFailed?.properties ?? {}).filter((k) => /password|token|kubeconfig$/.test(k)),
      [],
    );
    // The recorded state is enough to clean up: destroy removes the half-made objects.
    await host.delete({ ...r, id: "c8--default-web", properties: err.initFailed?.properties ?? {} });
    assert.deepEqual(
      lab.avi.objects("vsvip").filter((v) => String(v.name).startsWith("c8--")),
      [],
    );
  });

  it("outputs hold no secret given as an argument; the checked inputs keep it to connect", async () => {
    const r = { type: ROUTES_TYPE, name: "args" };
    const news = { __provider: routesCode, cluster: "c6", ...lab.args() };
    const checked = await host.check({ ...r, news });
    assert.equal(checked.inputs.password, lab.avi.password, "create and update connect with it");
    const created = await host.create({ ...r, properties: checked.inputs });
    for (const k of ["password", "token", "kubeconfig"]) assert.equal(created.properties[k], undefined, k);
    assert.ok(!JSON.stringify(created.properties).includes(lab.avi.password));
    await host.delete({ ...r, id: created.id, properties: created.properties });
  });
});
