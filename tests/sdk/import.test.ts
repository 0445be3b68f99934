// Importing what AKO 2.2.1 built, through @pulumi/pulumi's own dynamic-provider host, as the engine performs the
// `import` resource option (emulator/engine stack.import: Read(id), Check, Diff; any difference fails it): the Avi
// emulator starts from AKO's footprint for the seed cluster `demo` (fixture ako-foreign: plus cluster `other`, a
// hand-made route and an unmarked VS), the Kubernetes emulator from the seed topology AKO was watching.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type AviEmulator, akoRouteId, startAviEmulator } from "../../emulator/avi";
import {
  CheckFailures,
  createStack,
  HostCallError,
  ImportMismatch,
  type ProviderHost,
  type Stack,
  serializeProvider,
  startProviderHost,
} from "../../emulator/engine";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { type AviSession, createAviSession } from "../../provider/avi";
import { routeIdFor } from "../../provider/plan";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import { ROUTES_TYPE, VS_TYPE } from "./support";

const ROOT = path.resolve(__dirname, "../../..");
const PREFIXES = ["192.168.101.0/24", "192.168.102.0/24"];
type Json = Record<string, unknown>;

interface Rig {
  avi: AviEmulator;
  kube: KubeEmulator;
  host: ProviderHost;
  stack: Stack;
  session: AviSession;
}

async function startRig(): Promise<Rig> {
  const avi = await startAviEmulator({ fixture: "ako-foreign" });
  const kube = await startKubeEmulator();
  // The connection comes from stack config only: an import's read receives no state and no args.
  const config = {
    "avi-k8s:controller": avi.url,
    "avi-k8s:username": avi.username,
    "avi-k8s:password": avi.password,
    "avi-k8s:caBundle": avi.caCert ?? "",
    "avi-k8s:kubeconfig": kube.kubeconfigContent,
  };
  const host = await startProviderHost({ cwd: ROOT, cleanEnv: true, config });
  await host.configure();
  const session = createAviSession({
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
  });
  avi.clearLog();
  return { avi, kube, host, stack: createStack(host), session };
}

async function stopRig(r: Rig | undefined): Promise<void> {
  await r?.session.logout().catch(() => undefined);
  await r?.host.stop();
  await r?.avi.stop();
  await r?.kube.stop();
}

const writes = (r: Rig) => r.avi.writes().map((w) => `${w.method} ${w.path.split("/")[2]}`);
const vrfRoutes = (r: Rig) =>
  (r.avi.objects("vrfcontext").find((v) => v.name === "global")?.static_routes ?? []) as Json[];
const demoIds = (r: Rig) =>
  vrfRoutes(r)
    .filter((x) => (x.labels as { value?: string }[] | undefined)?.[0]?.value === "demo")
    .map((x) => String(x.route_id))
    .sort();

describe("sdk: importing AKO's objects through the dynamic-provider host", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  let vsCode: string;
  let routesCode: string;
  let vsNews: Json;
  let routesNews: Json;

  before(async () => {
    vsCode = (await serializeProvider(virtualServiceProvider)).text;
    routesCode = (await serializeProvider(routesProvider)).text;
    vsNews = {
      __provider: vsCode,
      cluster: "demo",
      namespace: "default",
      service: "web",
      vip: { address: "10.10.10.50" },
    };
    routesNews = { __provider: routesCode, cluster: "demo" };
  });
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it("imports the VS and the routes writing nothing; the first up renames only the route ids, every prefix present throughout; the second writes nothing", async () => {
    rig = await startRig();
    const r = rig;
    const before = vrfRoutes(r);
    const vs = await r.stack.import(VS_TYPE, "web", "admin/demo--default-web", vsNews);
    const routes = await r.stack.import(ROUTES_TYPE, "routes", "global/demo", routesNews);
    assert.deepEqual(writes(r), [], "an import writes nothing");
    assert.equal(vs.id, "admin/demo--default-web");
    assert.equal(vs.outputs.vipAddress, "10.10.10.50");
    assert.deepEqual(Object.keys(vs.outputs.pools as Json), ["demo--default-web-TCP-80"]);
    assert.match(String((vs.outputs.warnings as string[])[0]), /imported from AKO \(created_by ako-demo\)/);
    assert.deepEqual(routes.outputs.adoptedRouteIds, {
      "192.168.101.0/24": akoRouteId("demo", "node1", 0),
      "192.168.102.0/24": akoRouteId("demo", "node2", 0),
    });

    // preview: nothing for the virtual service; the routes show AKO's ids going away, and nothing else.
    const vsStep = await r.stack.preview(VS_TYPE, "web", vsNews);
    assert.equal(vsStep.op, "same");
    const routesStep = await r.stack.preview(ROUTES_TYPE, "routes", routesNews);
    assert.equal(routesStep.op, "update");
    assert.ok(routesStep.oldInputs?.adoptedRouteIds, "the old inputs list AKO's ids");
    assert.equal(routesStep.newInputs.adoptedRouteIds, undefined, "the new inputs do not");
    assert.deepEqual(routesStep.newInputs.routes, routesStep.oldInputs?.routes, "the same prefixes and next hops");

    // up, with the VRF polled through the API the whole time.
    r.avi.clearLog();
    const samples: string[][] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const [vrf] = await r.session.list<Json>("vrfcontext", { params: { name: "global" } });
        samples.push(
          ((vrf?.static_routes ?? []) as Json[])
            .filter((x) => (x.labels as { value?: string }[] | undefined)?.[0]?.value === "demo")
            .map((x) => {
              const p = x.prefix as { ip_addr: { addr: string }; mask: number };
              return `${p.ip_addr.addr}/${p.mask}`;
            })
            .sort(),
        );
      }
    })();
    await new Promise((res) => setTimeout(res, 50));
    const upVs = await r.stack.up(VS_TYPE, "web", vsNews);
    const upRoutes = await r.stack.up(ROUTES_TYPE, "routes", routesNews);
    await new Promise((res) => setTimeout(res, 50));
    polling = false;
    await poller;
    assert.deepEqual([upVs.op, upRoutes.op], ["same", "update"]);
    assert.deepEqual(writes(r), ["PUT vrfcontext"], "one write: the VRF, once; the VS is not touched");
    assert.ok(samples.length >= 5, `the VRF was sampled ${samples.length} times`);
    for (const s of samples) assert.deepEqual(s, PREFIXES, "every sample holds both prefixes of demo");
    assert.deepEqual(
      demoIds(r),
      PREFIXES.map((p) => routeIdFor("demo", p)),
      "AKO's ids became ours",
    );
    const after = vrfRoutes(r);
    assert.equal(after.length, before.length);
    for (const [i, x] of after.entries()) {
      if ((x.labels as { value?: string }[] | undefined)?.[0]?.value === "demo") {
        assert.deepEqual([x.prefix, x.next_hop], [before[i]?.prefix, before[i]?.next_hop], "renamed in place");
      } else {
        assert.deepEqual(x, before[i], "foreign routes untouched");
      }
    }
    assert.equal(upRoutes.state.outputs.adoptedRouteIds, undefined);
    assert.equal(upRoutes.state.outputs.importId, undefined);

    // A second up (and a refresh before it) writes nothing.
    await r.stack.refresh("web");
    await r.stack.refresh("routes");
    r.avi.clearLog();
    const again = [await r.stack.up(VS_TYPE, "web", vsNews), await r.stack.up(ROUTES_TYPE, "routes", routesNews)];
    assert.deepEqual(
      again.map((x) => x.op),
      ["same", "same"],
    );
    assert.deepEqual(writes(r), [], "the second up writes nothing");
  });

  it("pods that moved after AKO stopped do not fail the import; the next preview shows them and its update rewrites the VS in our shape, deleting AKO's L4 policy set and saying so", async () => {
    rig = await startRig();
    const r = rig;
    r.kube.movePod("default", "web-a", "node2");
    const imported = await r.stack.import(VS_TYPE, "web", "admin/demo--default-web", vsNews);
    assert.deepEqual(writes(r), []);
    const refreshed = await r.stack.refresh("web");
    assert.equal(refreshed?.outputs.adoptedFrom, "ako", "a refresh keeps what the import recorded");
    const step = await r.stack.preview(VS_TYPE, "web", vsNews);
    assert.equal(step.op, "update");
    const servers = (inputs: Json) =>
      Object.keys((inputs.pools as Record<string, { servers: Json }>)["demo--default-web-TCP-80"]!.servers).sort();
    assert.ok(servers(imported.inputs).includes("192.168.101.13:8080"), "the import recorded what the pool held");
    assert.ok(!servers(step.newInputs).includes("192.168.101.13:8080"), "the preview shows web-a gone from node1");
    r.avi.clearLog();
    const up = await r.stack.up(VS_TYPE, "web", vsNews);
    assert.deepEqual(writes(r), ["PUT vsvip", "PUT pool", "PUT virtualservice", "DELETE l4policyset"]);
    assert.match(
      (up.state.outputs.warnings as string[]).join("\n"),
      /deleted l4policyset demo--default-web: AKO's port-to-pool rules/,
    );
    assert.equal(up.state.outputs.adoptedFrom, undefined);
    const vs = r.avi.objects("virtualservice").find((v) => v.name === "demo--default-web")!;
    assert.deepEqual([vs.created_by, vs.l4_policies], ["pulumi-avi-k8s-demo", undefined]);
    assert.equal(vs.uuid, up.state.outputs.virtualServiceUuid, "the same VS as imported");
    r.avi.clearLog();
    assert.equal((await r.stack.up(VS_TYPE, "web", vsNews)).op, "same");
    assert.deepEqual(writes(r), []);
    await r.stack.destroy("web");
    assert.deepEqual(
      r.avi
        .objects("virtualservice")
        .map((v) => v.name)
        .sort(),
      ["demo--default-api", "other--default-web"],
    );
  });

  it("a program that spells the same VS otherwise (VIP by network, defaults written out, ports) imports cleanly; a VIP the VsVip does not hold fails the import", async () => {
    rig = await startRig();
    const r = rig;
    const spelled = {
      ...vsNews,
      vip: { network: "vip-net", subnet: "10.10.10.0/24" },
      ports: [80],
      seGroup: "Default-Group",
      applicationProfile: "System-L4-Application",
      networkProfile: "System-TCP-Proxy",
      healthMonitor: "System-TCP",
    };
    await r.stack.import(VS_TYPE, "web", "admin/demo--default-web", spelled);
    assert.equal((await r.stack.preview(VS_TYPE, "web", spelled)).op, "same");
    await assert.rejects(
      r.stack.import(VS_TYPE, "web2", "admin/demo--default-web", { ...vsNews, vip: { address: "10.10.10.99" } }),
      ImportMismatch,
    );
    assert.equal(r.stack.state("web2"), undefined);
    assert.deepEqual(writes(r), []);
  });

  it("destroy right after an import removes AKO's VS, its L4 policy set, VsVip and pool, and nothing of cluster other", async () => {
    rig = await startRig();
    const r = rig;
    await r.stack.import(VS_TYPE, "web", "demo--default-web", vsNews);
    await r.stack.destroy("web");
    assert.deepEqual(writes(r), ["DELETE virtualservice", "DELETE l4policyset", "DELETE vsvip", "DELETE pool"]);
    assert.deepEqual(
      r.avi.objects("l4policyset").map((p) => p.name),
      ["other--default-web"],
    );
  });

  it("refuses another cluster's VS, an unmarked one, a missing one and a malformed id, naming each and why; writes and records nothing", async () => {
    rig = await startRig();
    const r = rig;
    const failure = async (what: Promise<unknown>): Promise<string> => {
      try {
        await what;
      } catch (err) {
        if (err instanceof CheckFailures) return err.failures.map((f) => f.reason).join(" ");
        if (err instanceof HostCallError) return err.details;
        throw err;
      }
      throw new Error("the import was expected to fail");
    };
    const other = await failure(r.stack.import(VS_TYPE, "a", "admin/other--default-web", vsNews));
    assert.match(
      other,
      /^Import refused: virtual service admin\/other--default-web belongs to cluster other \(its clustername marker\), but this resource declares cluster demo; nothing was imported\.$/,
    );
    // A host that passes the program's inputs to the read lets the read itself refuse.
    const early = await failure(
      r.stack.import(VS_TYPE, "b", "admin/other--default-web", vsNews, { readProperties: vsNews }),
    );
    assert.match(
      early,
      /virtual service other--default-web \(tenant admin on .*\) belongs to cluster other \(its clustername marker\), not cluster demo; nothing was imported/,
    );
    const bare = await failure(r.stack.import(VS_TYPE, "c", "admin/demo--default-api", { ...vsNews, service: "api" }));
    assert.match(
      bare,
      /Import refused: virtual service demo--default-api \(tenant admin on https:\/\/127\.0\.0\.1:\d+\) has no markers \(clustername, Namespace, ServiceName\), so neither this package nor AKO made it; nothing was imported\./,
    );
    const missing = await failure(r.stack.import(VS_TYPE, "d", "admin/demo--default-gone", vsNews));
    assert.match(missing, /virtual service demo--default-gone .* does not exist; nothing was imported/);
    const malformed = await failure(r.stack.import(VS_TYPE, "e", "a/b/c", vsNews));
    assert.match(
      malformed,
      /Import refused: id 'a\/b\/c' is not <tenant>\/<virtual service name> or <virtual service name>/,
    );
    const otherRoutes = await failure(r.stack.import(ROUTES_TYPE, "f", "global/other", routesNews));
    assert.match(
      otherRoutes,
      /Import refused: routes admin\/Default-Cloud\/global\/other belong to cluster other .*declares cluster demo/,
    );
    const noRoutes = await failure(
      r.stack.import(ROUTES_TYPE, "g", "global/nobody", { ...routesNews, cluster: "nobody" }),
    );
    assert.match(noRoutes, /the VRF holds no route labelled clustername=nobody/);
    assert.deepEqual(writes(r), [], "nothing written");
    for (const n of ["a", "b", "c", "d", "e", "f", "g"]) assert.equal(r.stack.state(n), undefined, "nothing recorded");
  });

  it("the engine's own Read request (the id alone) fails in this host before any provider code runs: pulumi/pulumi#16175", async () => {
    rig = await startRig();
    const r = rig;
    const requests = r.avi.requestLog.length;
    await assert.rejects(
      r.stack.import(VS_TYPE, "web", "admin/demo--default-web", vsNews, { readProperties: {} }),
      (err: unknown) => err instanceof HostCallError && /code must be a string/.test(err.details),
    );
    assert.equal(r.avi.requestLog.length, requests, "nothing reached the controller");
  });

  it("without an import, a plain create of the routes renames AKO's ids in one PUT; a route renamed by hand later is drift that refresh shows and up repairs", async () => {
    rig = await startRig();
    const r = rig;
    const created = await r.stack.up(ROUTES_TYPE, "routes", routesNews);
    assert.equal(created.op, "create");
    assert.deepEqual(writes(r), ["PUT vrfcontext"]);
    assert.deepEqual(
      demoIds(r),
      PREFIXES.map((p) => routeIdFor("demo", p)),
    );
    // Someone gives one of our routes another id by hand (the prefix and next hop stay).
    const [vrf] = await r.session.list<Json>("vrfcontext", { params: { name: "global" } });
    const routes = ((vrf?.static_routes ?? []) as Json[]).map((x) =>
      x.route_id === routeIdFor("demo", PREFIXES[0]!) ? { ...x, route_id: "demo-by-hand" } : x,
    );
    await r.session.put(`vrfcontext/${String(vrf?.uuid)}`, { ...vrf, static_routes: routes });
    const refreshed = await r.stack.refresh("routes");
    assert.deepEqual(refreshed?.outputs.adoptedRouteIds, { [PREFIXES[0]!]: "demo-by-hand" });
    const step = await r.stack.preview(ROUTES_TYPE, "routes", routesNews);
    assert.equal(step.op, "update");
    assert.deepEqual(step.oldInputs?.adoptedRouteIds, { [PREFIXES[0]!]: "demo-by-hand" }, "preview shows it");
    r.avi.clearLog();
    await r.stack.up(ROUTES_TYPE, "routes", routesNews);
    assert.deepEqual(writes(r), ["PUT vrfcontext"]);
    assert.deepEqual(
      demoIds(r),
      PREFIXES.map((p) => routeIdFor("demo", p)),
    );
  });

  it("without an import, a create refuses AKO's objects naming both ways out; with adopt it takes them over in place", async () => {
    rig = await startRig();
    const r = rig;
    await assert.rejects(r.stack.up(VS_TYPE, "web", vsNews), (err: unknown) => {
      assert.ok(err instanceof HostCallError);
      assert.match(
        err.details,
        /virtualservice demo--default-web .*AKO made it \(created_by ako-demo\); take it over with an import .* or the resource's adopt argument/,
      );
      return true;
    });
    assert.deepEqual(writes(r), []);
    const up = await r.stack.up(VS_TYPE, "web", { ...vsNews, adopt: true });
    assert.equal(up.op, "create");
    assert.deepEqual(writes(r), ["PUT vsvip", "PUT pool", "PUT virtualservice", "DELETE l4policyset"]);
    assert.equal(up.state.id, "demo--default-web", "a created resource's id, as ever");
    assert.equal(up.state.outputs.vipAddress, "10.10.10.50");
    r.avi.clearLog();
    assert.equal((await r.stack.up(VS_TYPE, "web", { ...vsNews, adopt: true })).op, "same");
    assert.deepEqual(writes(r), []);
  });
});
