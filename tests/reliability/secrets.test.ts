// Secrets campaign: a full lifecycle through the real dynamic-provider host (credentials from stack config, from a
// user token, and as resource args), plus the failures a user meets (wrong password, expired sessions, a 5xx
// burst, an expired kubeconfig token, an unreachable controller). Then every output, checked input, serialized
// provider, error message and host log is scanned for the password, the tokens and every session id and CSRF
// token the controller issued (seen by a recording proxy). Values the engine stores as secrets (the password,
// token and kubeconfig args themselves) are the only place a secret may appear.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { HostCallError, type ProviderHost } from "../../emulator/engine";
import { type KubeEmulator, kubeconfigYaml, startKubeEmulator } from "../../emulator/kube";
import { report } from "./support/campaign";
import {
  type Providers,
  ROUTES_TYPE,
  type StackState,
  serializedProviders,
  stackConfig,
  startHost,
  steps,
} from "./support/engine";
import { type RecordingProxy, startRecordingProxy } from "./support/proxy";
import { connectionTo, withSession } from "./support/stack";

type Props = Record<string, unknown>;
const SECRET_ARGS = ["password", "token", "kubeconfig"];

/** The props without the keys the engine encrypts (they were given as secrets); everything else is plain state. */
function plainPart(props: Props | undefined): Props {
  return Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => !SECRET_ARGS.includes(k)));
}

describe("reliability: secrets campaign", function () {
  this.timeout(0);
  let avi: AviEmulator;
  let kube: KubeEmulator;
  let proxy: RecordingProxy;
  let providers: Providers;
  const hosts: ProviderHost[] = [];
  const artifacts: { where: string; text: string }[] = [];
  const keep = (where: string, v: unknown) =>
    artifacts.push({ where, text: typeof v === "string" ? v : JSON.stringify(v) });

  before(async () => {
    [avi, kube] = await Promise.all([startAviEmulator({ http: true }), startKubeEmulator()]);
    proxy = await startRecordingProxy(avi.url);
    providers = await serializedProviders();
  });
  after(async () => {
    for (const h of hosts) await h.stop();
    await proxy?.stop();
    await avi?.stop();
    await kube?.stop();
  });

  async function host(config: Record<string, string>): Promise<ProviderHost> {
    const h = await startHost(config);
    hosts.push(h);
    return h;
  }

  const keepState = (where: string, st: StackState) => {
    keep(`${where}: routes inputs`, plainPart(st.routes?.inputs));
    keep(`${where}: routes outputs`, plainPart(st.routes?.outputs));
    keep(`${where}: vs inputs`, plainPart(st.vs?.inputs));
    keep(`${where}: vs outputs`, plainPart(st.vs?.outputs));
  };
  const keepError = async (where: string, run: () => Promise<unknown>) => {
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err) keep(`${where}: error`, err instanceof HostCallError ? err.details : String(err));
  };

  it("finds no password, token or session id in outputs, checked inputs, the provider, errors or logs", async () => {
    const config: Record<string, string> = { ...stackConfig(avi, kube), "avi-k8s:controller": proxy.url };
    delete config["avi-k8s:caBundle"];
    const userToken = await withSession(connectionTo(avi, { controller: proxy.url }), async (s) => {
      return String((await s.post<Props>("user-token", { hours: 1 })).token);
    });

    // 1. The whole lifecycle with the connection in stack config.
    const a = await host(config);
    const program = steps(providers, { cluster: "s1", vip: "10.100.7.1" });
    const st: StackState = {};
    for (const s of program.create) await s(a, st);
    keepState("create", st);
    const read = await a.read({ type: ROUTES_TYPE, name: "routes", id: st.routes!.id, properties: st.routes!.outputs });
    keep("read routes", read);
    kube.movePod("default", "web-a", "node2");
    avi.faults.set({ seed: 5, sessionDropRate: 0.4, sessionDropStatus: 419 });
    await keepError("update with expiring sessions", async () => {
      for (const s of program.update) await s(a, st);
    });
    avi.faults.clear();
    for (const s of program.update) await s(a, st);
    keepState("update", st);

    // 2. What users see when things fail.
    const routesNews = (extra: Props) => ({ __provider: providers.routes, cluster: "s2", ...extra });
    const createRoutes = (h: ProviderHost, extra: Props) => async () => {
      const c = await h.check({ type: ROUTES_TYPE, name: "r2", news: routesNews(extra) });
      keep("checked inputs with args", plainPart(c.inputs));
      if (c.failures.length > 0) throw new Error(c.failures.map((f) => f.reason).join(" "));
      const out = await h.create({ type: ROUTES_TYPE, name: "r2", properties: c.inputs });
      keep("outputs with args", plainPart(out.properties));
      return h.delete({ type: ROUTES_TYPE, name: "r2", id: out.id, properties: out.properties });
    };
    await keepError("wrong password", createRoutes(a, { password: `${avi.password}-wrong` }));
    await keepError(
      "expired kube token",
      createRoutes(a, { kubeconfig: kubeconfigYaml(kube.url, kube.caCert, "expired-0") }),
    );
    await keepError("unreachable controller", createRoutes(a, { controller: "https://127.0.0.1:1" }));
    avi.faults.failNext({ kind: "status", status: 500, body: '{"error":"Internal error"}' }, 20, { methods: ["POST"] });
    await keepError("5xx burst", async () => {
      for (const s of program.delete) await s(a, st);
      for (const s of program.create) await s(a, st);
    });
    avi.faults.clear();
    // 3. Credentials as resource args (the engine stores them as secrets), then with a user token from config.
    await createRoutes(a, { controller: proxy.url, username: avi.username, password: avi.password })();
    const { "avi-k8s:password": _pw, ...withoutPassword } = config;
    const b = await host({ ...withoutPassword, "avi-k8s:token": userToken });
    await createRoutes(b, {})();
    for (const s of program.delete) await s(a, st).catch(() => undefined);

    keep("serialized routes provider", providers.routes);
    keep("serialized virtual service provider", providers.vs);
    for (const [i, h] of hosts.entries()) {
      keep(`host ${i} stderr`, h.stderr());
      keep(`host ${i} stdout`, h.stdout());
    }

    const sessions = proxy.sessionSecrets();
    assert.ok(sessions.length >= 4, "the proxy saw too few session ids and CSRF tokens to make the scan meaningful");
    assert.ok(artifacts.filter((x) => x.where.endsWith("error")).length >= 4, "too few failures were provoked");
    const secrets = [
      { name: "password", value: avi.password },
      { name: "user token", value: userToken },
      { name: "kube token", value: kube.token },
      ...sessions.map((value) => ({ name: "session id or CSRF token", value })),
    ];
    const found: string[] = [];
    for (const x of artifacts) {
      for (const s of secrets) if (x.text.includes(s.value)) found.push(`${s.name} in ${x.where}`);
    }
    report({
      campaign: "secrets campaign",
      unit: "artifacts scanned",
      schedules: artifacts.length,
      converged: artifacts.length - new Set(found.map((f) => f.split(" in ")[1])).size,
      secretsFound: found.length,
      extra: { "secret values looked for": secrets.length },
    });
    assert.deepEqual(found, []);
  });
});
