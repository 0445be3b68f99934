// Where a resource's objects live is in its state: the controller and tenant it was created on (whatever named
// them) and the Kubernetes API server the placement came from. Driven through the real dynamic-provider host, one
// host per run as the engine does, with two controller emulators A and B.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type CountingProxy, startCountingProxy } from "../../bench/proxy";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { HostCallError, type ProviderHost, serializeProvider, startProviderHost } from "../../emulator/engine";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import { ROUTES_TYPE, VS_TYPE } from "./support";

const ROOT = path.resolve(__dirname, "../../..");
type Props = Record<string, unknown>;

interface Made {
  type: string;
  name: string;
  news: Props;
  id: string;
  inputs: Props;
  outputs: Props;
}

const origin = (url: string) => new URL(url).origin;

async function failure(p: Promise<unknown>): Promise<HostCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof HostCallError, "the call must fail");
  return err;
}

describe("sdk: the state names where its objects live", function () {
  this.timeout(120_000);
  let a: AviEmulator;
  let b: AviEmulator;
  let kube: KubeEmulator;
  let kube2: KubeEmulator;
  let proxy: CountingProxy;
  let routesCode: string;
  let vsCode: string;
  const hosts: ProviderHost[] = [];
  let made: Made[] = [];

  const config = (avi: AviEmulator, controller = avi.url, k: KubeEmulator = kube) => ({
    "avi-k8s:controller": controller,
    "avi-k8s:username": avi.username,
    "avi-k8s:password": avi.password,
    "avi-k8s:caBundle": avi.caCert ?? "",
    "avi-k8s:kubeconfig": k.kubeconfigContent,
  });

  async function host(cfg: Record<string, string>, env: Record<string, string> = {}): Promise<ProviderHost> {
    const h = await startProviderHost({ cwd: ROOT, cleanEnv: true, config: cfg, env });
    hosts.push(h);
    await h.configure();
    return h;
  }

  /** `pulumi up` on a fresh stack against A: the routes and a virtual service, both with stack config only. */
  async function createOnA(): Promise<Made[]> {
    const h = await host(config(a));
    const out: Made[] = [];
    const resources = [
      { type: ROUTES_TYPE, name: "routes", news: { __provider: routesCode, cluster: "c1" } },
      {
        type: VS_TYPE,
        name: "web",
        news: { __provider: vsCode, cluster: "c1", service: "web", vip: { address: "10.10.10.50" } },
      },
    ];
    for (const r of resources) {
      const checked = await h.check({ ...r });
      assert.deepEqual(checked.failures, []);
      const created = await h.create({ ...r, properties: checked.inputs });
      out.push({ ...r, id: created.id, inputs: checked.inputs, outputs: created.properties });
    }
    return out;
  }

  function aStillHoldsEverything(): void {
    assert.deepEqual(
      a.objects("virtualservice").map((v) => v.name),
      ["c1--default-web"],
    );
    const vrf = a.objects("vrfcontext").find((v) => v.name === "global");
    assert.equal(((vrf?.static_routes ?? []) as unknown[]).length, 2);
  }

  before(async () => {
    [a, b, kube, kube2] = await Promise.all([
      startAviEmulator(),
      startAviEmulator(),
      startKubeEmulator(),
      startKubeEmulator(),
    ]);
    proxy = await startCountingProxy(a.url);
    routesCode = (await serializeProvider(routesProvider)).text;
    vsCode = (await serializeProvider(virtualServiceProvider)).text;
    made = await createOnA();
  });

  after(async () => {
    for (const h of hosts) await h.stop();
    await proxy?.stop();
    for (const x of [a, b]) await x?.stop();
    for (const x of [kube, kube2]) await x?.stop();
  });

  it("records the controller and Kubernetes server named by stack config in inputs and outputs", () => {
    for (const m of made) {
      assert.equal(m.inputs.controllerUrl, origin(a.url), m.name);
      assert.equal(m.outputs.controllerUrl, origin(a.url), m.name);
      assert.equal(m.outputs.kubeServer, kube.url, m.name);
      assert.equal(m.outputs.tenant, "admin", m.name);
    }
  });

  it("created on A, config pointed at B: check, update and delete fail naming A and B, nothing reaches B, A keeps all", async () => {
    const h = await host(config(b));
    b.clearLog();
    for (const m of made) {
      const checked = await h.check({ type: m.type, name: m.name, olds: m.inputs, news: m.news });
      const named = checked.failures.find((f) => f.property === "controller");
      assert.ok(named, `${m.name}: check must refuse`);
      assert.ok(named.reason.includes(origin(a.url)) && named.reason.includes(origin(b.url)), named.reason);
      assert.match(named.reason, /avi-k8s:controller in stack config/);

      // The engine would stop at check; update and delete refuse on their own as well.
      const update = await failure(
        h.update({ type: m.type, name: m.name, id: m.id, olds: m.outputs, news: m.inputs, oldInputs: m.inputs }),
      );
      assert.ok(update.details.includes(origin(a.url)) && update.details.includes(origin(b.url)), update.details);
      assert.equal(update.initFailed, undefined, "nothing was written, so nothing to record");
      const del = await failure(h.delete({ type: m.type, name: m.name, id: m.id, properties: m.outputs }));
      assert.ok(del.details.includes(origin(a.url)) && del.details.includes(origin(b.url)), del.details);
      assert.match(del.details, /nothing was sent to/);
    }
    assert.deepEqual(b.requestLog, [], "not a single request reached B");
    aStillHoldsEverything();
  });

  it("the same when AVI_CONTROLLER names B: the environment never moves objects", async () => {
    const env = { AVI_CONTROLLER: b.url, AVI_USERNAME: b.username, AVI_PASSWORD: b.password };
    const h = await host({ "avi-k8s:caBundle": b.caCert ?? "", "avi-k8s:kubeconfig": kube.kubeconfigContent }, env);
    b.clearLog();
    const m = made[0]!;
    const checked = await h.check({ type: m.type, name: m.name, olds: m.inputs, news: m.news });
    assert.match(checked.failures.map((f) => f.reason).join(" "), /AVI_CONTROLLER names/);
    const del = await failure(h.delete({ type: m.type, name: m.name, id: m.id, properties: m.outputs }));
    assert.match(del.details, /AVI_CONTROLLER names/);
    assert.deepEqual(b.requestLog, []);
    aStillHoldsEverything();
  });

  it("a changed AVI_TENANT does not replace everything: check fails naming both tenants", async () => {
    const h = await host(config(a), { AVI_TENANT: "blue" });
    for (const m of made) {
      const checked = await h.check({ type: m.type, name: m.name, olds: m.inputs, news: m.news });
      const named = checked.failures.find((f) => f.property === "tenant");
      assert.ok(named, `${m.name}: a tenant from the environment must not move the objects`);
      assert.match(named.reason, /tenant admin .* AVI_TENANT names blue/);
      assert.equal(checked.inputs.tenant, "admin");
    }
  });

  it("moving on purpose: a controller argument is a replacement (delete on A first)", async () => {
    const h = await host(config(a));
    for (const m of made) {
      const news = {
        ...m.news,
        controller: b.url,
        username: b.username,
        password: b.password,
        caBundle: b.caCert ?? "",
      };
      const checked = await h.check({ type: m.type, name: m.name, olds: m.inputs, news });
      assert.deepEqual(checked.failures, []);
      assert.equal(checked.inputs.controllerUrl, origin(b.url));
      const d = await h.diff({ type: m.type, name: m.name, id: m.id, olds: m.outputs, news: checked.inputs });
      assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], ["some", ["controllerUrl"], true], m.name);
    }
  });

  it("refresh records a new address of the same controller, and refuses another controller without dropping anything", async () => {
    const moved = await host(config(a, proxy.url));
    for (const m of made) {
      const r = await moved.read({ type: m.type, name: m.name, id: m.id, properties: m.outputs });
      assert.equal(r.id, m.id);
      assert.equal(r.properties.controllerUrl, origin(proxy.url), `${m.name}: the same objects answer there`);
      assert.equal(r.inputs?.controllerUrl, origin(proxy.url));
    }
    const other = await host(config(b));
    for (const m of made) {
      const err = await failure(other.read({ type: m.type, name: m.name, id: m.id, properties: m.outputs }));
      assert.match(err.details, /which does not hold them/);
      assert.ok(err.details.includes(origin(a.url)));
    }
    assert.deepEqual(b.writes(), []);
    aStillHoldsEverything();
  });

  it("a kubeconfig that now leads to another cluster stops check; a kubernetes argument follows it on purpose", async () => {
    const h = await host(config(a, a.url, kube2));
    for (const m of made) {
      const checked = await h.check({ type: m.type, name: m.name, olds: m.inputs, news: m.news });
      const named = checked.failures.find((f) => f.property === "kubeconfig");
      assert.ok(named, `${m.name}: another cluster's placement must not be read silently`);
      assert.ok(named.reason.includes(kube.url) && named.reason.includes(kube2.url), named.reason);
      const news = { ...m.news, kubeconfig: kube2.kubeconfigContent };
      const onPurpose = await h.check({ type: m.type, name: m.name, olds: m.inputs, news });
      assert.deepEqual(onPurpose.failures, []);
      assert.equal(onPurpose.inputs.kubeServer, kube2.url);
      const d = await h.diff({ type: m.type, name: m.name, id: m.id, olds: m.outputs, news: onPurpose.inputs });
      assert.deepEqual([d.changes, d.replaces], ["some", []], "the objects stay; the update records the server");
    }
  });
});
