// One controller session per run: every operation of every resource in one provider host shares one login, and
// the session is logged out when the engine stops the host (SIGINT, then SIGKILL after 5 s).
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type ProviderHost, serializeProvider, startProviderHost } from "../../emulator/engine";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import { type Lab, ROUTES_TYPE, startLab, VS_TYPE } from "./support";

const ROOT = path.resolve(__dirname, "../../..");
const SERVICES = 12;

describe("sdk: one controller session per provider process", function () {
  this.timeout(120_000);
  let lab: Lab;
  let host: ProviderHost | undefined;

  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await host?.stop();
    await lab?.stop();
  });

  it(`creates, updates, refreshes and deletes routes and ${SERVICES} virtual services with one login, logged out at SIGINT`, async () => {
    host = await startProviderHost({ cwd: ROOT, cleanEnv: true, config: lab.config() });
    await host.configure();
    const h = host;
    const routesCode = (await serializeProvider(routesProvider)).text;
    const vsCode = (await serializeProvider(virtualServiceProvider)).text;
    lab.avi.clearLog();
    const logins = () => lab.avi.requestLog.filter((e) => e.path === "/login").length;
    const made: {
      type: string;
      name: string;
      id: string;
      outputs: Record<string, unknown>;
      news: Record<string, unknown>;
    }[] = [];

    const routes = { type: ROUTES_TYPE, name: "routes", news: { __provider: routesCode, cluster: "c1" } };
    const services = Array.from({ length: SERVICES }, (_, i) => ({
      type: VS_TYPE,
      name: `web-${i}`,
      news: { __provider: vsCode, cluster: `c${i}`, service: "web", vip: { address: `10.10.20.${i + 1}` } },
    }));
    // `pulumi up`: the engine runs the resources' steps concurrently (up to --parallel).
    await Promise.all(
      [routes, ...services].map(async (r) => {
        const checked = await h.check(r);
        const created = await h.create({ ...r, properties: checked.inputs });
        made.push({ ...r, id: created.id, outputs: created.properties });
      }),
    );
    assert.equal(made.length, SERVICES + 1);
    lab.kube.movePod("default", "web-a", "node2");
    for (const m of made) {
      const checked = await h.check({ type: m.type, name: m.name, news: m.news });
      const d = await h.diff({ ...m, olds: m.outputs, news: checked.inputs });
      if (d.changes === "some") await h.update({ ...m, olds: m.outputs, news: checked.inputs });
      await h.read({ ...m, properties: m.outputs });
    }
    for (const m of made) await h.delete({ ...m, properties: m.outputs });
    assert.equal(lab.avi.objects("virtualservice").length, 0);
    assert.equal(logins(), 1, `${SERVICES + 1} resources, 4 operations each: one login`);
    assert.equal(lab.avi.sessionCount(), 1, "the session stays open for the rest of the run");

    const exited = new Promise<NodeJS.Signals | null>((resolve) => h.process.once("exit", (_c, s) => resolve(s)));
    h.process.kill("SIGINT");
    assert.equal(await exited, "SIGINT", "the host still ends the way SIGINT ends it");
    assert.equal(lab.avi.requestLog.filter((e) => e.path === "/logout").length, 1);
    assert.equal(lab.avi.sessionCount(), 0, "no session left open on the controller");
  });
});
