// Bad-input catalogue: each entry goes through the real dynamic-provider host as `pulumi up` would send it (check,
// then create when check lets it through) and must be rejected with a message that names the field or the cause,
// without one write reaching the controller and without the password in the message.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { HostCallError, type ProviderHost } from "../../emulator/engine";
import { type KubeEmulator, kubeconfigYaml, startKubeEmulator } from "../../emulator/kube";
import { routeIdFor } from "../../provider/plan";
import { report } from "./support/campaign";
import { type Providers, ROUTES_TYPE, serializedProviders, stackConfig, startHost, VS_TYPE } from "./support/engine";
import { foreignChanges, snapshotForeign } from "./support/oracle";
import { connectionTo, plantForeign, withSession } from "./support/stack";

type Props = Record<string, unknown>;

interface Case {
  name: string;
  kind: "routes" | "vs" | "shared";
  args: (ctx: Ctx) => Props;
  /** What the message must name: the field, or the cause. */
  names: RegExp;
}

interface Ctx {
  avi: AviEmulator;
  kube: KubeEmulator;
}

const vs = (extra: Props): Props => ({
  cluster: "bad",
  namespace: "default",
  service: "web",
  vip: { address: "10.100.6.1" },
  ...extra,
});
const routes = (extra: Props): Props => ({ cluster: "bad", ...extra });
const r = (name: string, args: Props, names: RegExp): Case => ({
  name,
  kind: "routes",
  args: () => routes(args),
  names,
});
const v = (name: string, args: Props, names: RegExp): Case => ({ name, kind: "vs", args: () => vs(args), names });
const shared = (extra: Props): Props => ({
  cluster: "bad",
  namespace: "default",
  service: "grp",
  members: [{ service: "web" }],
  vip: { address: "10.100.6.20" },
  ...extra,
});
const g = (name: string, args: Props, names: RegExp): Case => ({
  name,
  kind: "shared",
  args: () => shared(args),
  names,
});
const SHARED_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpSharedVip";

const CASES: Case[] = [
  // Names
  r("empty cluster name", { cluster: "" }, /cluster/),
  r("over-long cluster name", { cluster: "c".repeat(116) }, /cluster.*116 characters/),
  r("cluster name with a space and '!'", { cluster: "no spaces!" }, /cluster 'no spaces!'/),
  r("cluster name with '/'", { cluster: "a/b" }, /cluster 'a\/b'/),
  r("cluster name with a non-ASCII letter", { cluster: "clüster" }, /cluster 'clüster'/),
  r("cluster name that is a number", { cluster: 42 }, /cluster/),
  r("no cluster name at all", { cluster: undefined }, /cluster is required/),
  v("empty service name", { service: "" }, /service ''/),
  v("service name with capitals and '_'", { service: "Web_Service" }, /service 'Web_Service'/),
  v("over-long service name", { service: "s".repeat(64) }, /service 's{64}'/),
  v("namespace with capitals", { namespace: "Default" }, /namespace 'Default'/),
  r("empty VRF name", { vrf: "" }, /vrf/),
  r("empty tenant name", { tenant: "" }, /tenant/),
  r("empty cloud name", { cloud: "" }, /cloud/),
  v("empty SE group name", { seGroup: "" }, /seGroup/),
  // CNI
  r("unknown CNI", { cni: "weave" }, /cni 'weave'/),
  r("empty CNI", { cni: "" }, /cni ''/),
  // CIDRs and IPs
  r("node network with mask 33", { nodeNetworks: ["10.0.0.0/33"] }, /nodeNetworks\[0\].*10\.0\.0\.0\/33/),
  r("node network with three octets", { nodeNetworks: ["10.0.0/24"] }, /nodeNetworks\[0\]/),
  r("node network that is a word", { nodeNetworks: ["not-a-cidr"] }, /nodeNetworks\[0\].*not-a-cidr/),
  r("node network with host bits", { nodeNetworks: ["10.0.0.5/24"] }, /nodeNetworks\[0\].*host bits/),
  r("node networks not a list", { nodeNetworks: "10.0.0.0/8" }, /nodeNetworks/),
  r("node network with an IPv4 octet over 255", { nodeNetworks: ["10.0.256.0/24"] }, /nodeNetworks\[0\]/),
  v("VIP with three octets", { vip: { address: "10.1.1" } }, /vip\.address '10\.1\.1'/),
  v("VIP with an octet over 255", { vip: { address: "300.1.1.1" } }, /vip\.address '300\.1\.1\.1'/),
  v("VIP given as a CIDR", { vip: { address: "10.1.1.1/24" } }, /vip\.address/),
  v("VIP subnet with mask 40", { vip: { network: "vip-net", subnet: "10.0.0.0/40" } }, /vip\.subnet/),
  v("VIP subnet without a network", { vip: { address: "10.100.6.2", subnet: "10.0.0.0/24" } }, /vip/),
  v("VIP with both address and network", { vip: { address: "10.100.6.3", network: "vip-net" } }, /vip/),
  v("VIP with neither address nor network", { vip: {} }, /vip/),
  v("no VIP at all", { vip: undefined }, /vip is required/),
  // Ports
  v("port 0", { ports: [0] }, /ports\[0\] '0'/),
  v("port 65536", { ports: [65536] }, /ports\[0\] '65536'/),
  v("negative port", { ports: [-1] }, /ports\[0\] '-1'/),
  v("port given as a name", { ports: ["http"] }, /ports\[0\] 'http'/),
  v("port the Service does not have", { ports: [81] }, /ports\[0\].*no port 81/),
  // Kubernetes
  v("service that does not exist", { service: "nosuch" }, /nosuch/),
  v("service with no selector", { service: "manual" }, /manual.*no selector/),
  v("ExternalName service", { service: "external" }, /external.*ExternalName/),
  r("malformed kubeconfig", { kubeconfig: "::: not yaml [" }, /kubeconfig/),
  r("kubeconfig file that does not exist", { kubeconfigPath: "/nonexistent/kubeconfig" }, /\/nonexistent\/kubeconfig/),
  r("both kubeconfig file and content", { kubeconfigPath: "/tmp/x", kubeconfig: "apiVersion: v1" }, /kubeconfig/),
  r("kube context that does not exist", { kubeContext: "nosuch-context" }, /nosuch-context/),
  {
    name: "expired kubeconfig token",
    kind: "routes",
    args: ({ kube }) => routes({ kubeconfig: kubeconfigYaml(kube.url, kube.caCert, "expired-token-0000") }),
    names: /401|[Uu]nauthori[sz]ed|credentials|token/,
  },
  // Controller connection
  r("controller URL that is not http(s)", { controller: "ftp://127.0.0.1/" }, /controller 'ftp:\/\/127\.0\.0\.1\/'/),
  r("empty controller URL", { controller: "" }, /controller/),
  r("missing password", { password: "" }, /password/),
  r("empty username", { username: "", password: "x" }, /username/),
  r("unreachable controller", { controller: "https://127.0.0.1:1" }, /127\.0\.0\.1:1.*(ECONNREFUSED|refused|reach)/i),
  r("wrong password", { password: "wrong-password-1234" }, /log ?in|login|401|credentials/i),
  r("unknown tenant", { tenant: "nosuch-tenant" }, /nosuch-tenant/),
  {
    name: "TLS certificate from another CA",
    kind: "routes",
    args: ({ kube }) => routes({ caBundle: kube.caCert }),
    names: /certificate|self.signed|verify/i,
  },
  r("CA bundle file that does not exist", { caBundle: "/nonexistent/ca.pem" }, /caBundle|CA bundle/),
  r("API version newer than the controller", { apiVersion: "99.1.1" }, /99\.1\.1|version/),
  r("insecure given as a string", { insecure: "yes" }, /insecure/),
  // Collisions with foreign objects
  v("pool name taken by an object without our markers", { cluster: "clash" }, /clash--default-web-TCP-80.*not ours/),
  v("virtual service name taken by another owner", { cluster: "clash2" }, /clash2--default-web.*not ours/),
  r("route id taken by an unlabelled route", { cluster: "clash3" }, /clash3-192\.168\.101\.0-24/),
  v("SE group that does not exist", { seGroup: "nosuch-group" }, /nosuch-group/),
  // L4 settings: balancing
  v("unknown load-balancing algorithm", { pool: { lbAlgorithm: "FASTEST" } }, /pool\.lbAlgorithm 'FASTEST'/),
  v("GSLB-only algorithm", { pool: { lbAlgorithm: "NEAREST_SERVER" } }, /pool\.lbAlgorithm .*GSLB/),
  v("hash without CONSISTENT_HASH", { pool: { lbHash: "URI" } }, /pool\.lbHash needs lbAlgorithm CONSISTENT_HASH/),
  v("unknown hash", { pool: { lbAlgorithm: "CONSISTENT_HASH", lbHash: "MD5" } }, /pool\.lbHash 'MD5'/),
  v(
    "custom-header hash without its header",
    { pool: { lbAlgorithm: "CONSISTENT_HASH", lbHash: "CUSTOM_HEADER" } },
    /pool\.lbHash CUSTOM_HEADER needs lbHashHeader/,
  ),
  v("hash header without CUSTOM_HEADER", { pool: { lbHashHeader: "X-User" } }, /pool\.lbHashHeader needs lbHash/),
  v("misspelt pool setting", { pool: { lbAlgoritm: "ROUND_ROBIN" } }, /pool\.lbAlgoritm is not a setting/),
  // L4 settings: health monitors
  v("monitor interval 0", { healthMonitor: { type: "TCP", interval: 0 } }, /healthMonitor\.interval 0/),
  v(
    "monitor timeout not below the interval",
    { healthMonitor: { type: "TCP", interval: 5, timeout: 5 } },
    /healthMonitor\.timeout/,
  ),
  v(
    "failed checks out of range",
    { healthMonitor: { type: "TCP", failedChecks: 51 } },
    /healthMonitor\.failedChecks 51/,
  ),
  v(
    "successful checks 0",
    { healthMonitor: { type: "TCP", successfulChecks: 0 } },
    /healthMonitor\.successfulChecks 0/,
  ),
  v("unknown monitor type", { healthMonitor: { type: "ICMP" } }, /healthMonitor\.type 'ICMP'/),
  v("monitor without a type", { healthMonitor: { interval: 5 } }, /healthMonitor\.type is required/),
  v("monitor port 70000", { healthMonitor: { type: "TCP", port: 70000 } }, /healthMonitor\.port 70000/),
  v(
    "HTTP path on a TCP monitor",
    { healthMonitor: { type: "TCP", path: "/healthz" } },
    /healthMonitor\.path applies to HTTP/,
  ),
  v("HTTP path without '/'", { healthMonitor: { type: "HTTP", path: "healthz" } }, /healthMonitor\.path 'healthz'/),
  v("unknown response code", { healthMonitor: { type: "HTTP", responseCodes: ["200"] } }, /responseCodes\[0\] '200'/),
  v(
    "path with fromReadinessProbe",
    { healthMonitor: { fromReadinessProbe: true, path: "/x" } },
    /healthMonitor\.path comes from the readiness probe/,
  ),
  v(
    "healthMonitor and pool.healthMonitor both",
    { healthMonitor: "System-TCP", pool: { healthMonitor: "System-HTTP" } },
    /healthMonitor and pool\.healthMonitor/,
  ),
  v(
    "referenced monitor that does not exist",
    { healthMonitor: "nosuch-hm" },
    /healthMonitor.*nosuch-hm.*does not exist/,
  ),
  v(
    "referenced monitor of one port that does not exist",
    { portPools: { "80": { healthMonitor: "nosuch-hm-80" } } },
    /portPools\["80"\]\.healthMonitor.*nosuch-hm-80/,
  ),
  v(
    "readiness probe that is an exec probe",
    { service: "probe-exec", healthMonitor: { fromReadinessProbe: true } },
    /fromReadinessProbe.*exec probe/,
  ),
  v(
    "readiness probe with special headers",
    { service: "probe-headers", healthMonitor: { fromReadinessProbe: true } },
    /fromReadinessProbe.*headers X-Probe/,
  ),
  // L4 settings: persistence, drain, profiles
  v(
    "persistence profile that does not exist",
    { pool: { persistence: "nosuch-persist" } },
    /pool\.persistence.*nosuch-persist/,
  ),
  v("client-IP persistence of 721 minutes", { pool: { persistence: { clientIpTimeout: 721 } } }, /clientIpTimeout 721/),
  v("persistence true", { pool: { persistence: true } }, /pool\.persistence must be/),
  v("graceful disable timeout -2", { pool: { gracefulDisableTimeout: -2 } }, /pool\.gracefulDisableTimeout -2/),
  v("graceful disable timeout 7201", { pool: { gracefulDisableTimeout: 7201 } }, /pool\.gracefulDisableTimeout 7201/),
  v("unknown server disable type", { pool: { serverDisableType: "DROP" } }, /pool\.serverDisableType 'DROP'/),
  v("negative min servers up", { pool: { minServersUp: -1 } }, /pool\.minServersUp -1/),
  v(
    "application profile that does not exist",
    { applicationProfile: "nosuch-app" },
    /applicationProfile.*nosuch-app.*does not exist/,
  ),
  v(
    "network profile that does not exist",
    { networkProfile: "nosuch-net" },
    /networkProfile.*nosuch-net.*does not exist/,
  ),
  v("full client logs given as a string", { fullClientLogs: "yes" }, /fullClientLogs must be true or false/),
  // L4 settings: ports, source ranges, VIP
  v("portPools key that is not a port", { portPools: { http: {} } }, /portPools\["http"\]/),
  v("portPools port the Service lacks", { portPools: { "8080": {} } }, /portPools\["8080"\].*exposes no port 8080/),
  v("source range not a CIDR", { sourceRanges: ["not-a-cidr"] }, /sourceRanges\[0\] 'not-a-cidr'/),
  v("source range with mask 33", { sourceRanges: ["10.0.0.0/33"] }, /sourceRanges\[0\] '10\.0\.0\.0\/33'/),
  v("source ranges not a list", { sourceRanges: "10.0.0.0/8" }, /sourceRanges must be a list/),
  v("Service source range not a CIDR", { service: "bad-ranges" }, /spec\.loadBalancerSourceRanges has 'everyone'/),
  v("annotated VIP that is not an address", { service: "bad-vip", vip: undefined }, /load-balancer-ip '10\.1\.1'/),
  // Shared VIP
  g("shared VIP without Services", { members: [] }, /at least one Service/),
  g(
    "shared VIP with colliding ports",
    { members: [{ service: "web" }, { service: "web-twin" }] },
    /web-twin and Service default\/web both expose 80\/TCP/,
  ),
  g(
    "shared VIP members with different source ranges",
    { members: [{ service: "ranges-a" }, { service: "ranges-b", ports: [81] }] },
    /one VIP has one policy/,
  ),
  g(
    "shared VIP members asking for different VIPs",
    { vip: undefined, members: [{ service: "vip-a" }, { service: "vip-b", ports: [81] }] },
    /must agree/,
  ),
  g(
    "shared VIP member in another namespace",
    { members: [{ service: "web", namespace: "other" }] },
    /not in the group's namespace default/,
  ),
  g("shared VIP member annotated for another group", { members: [{ service: "tagged" }] }, /enable-shared-vip: other/),
  g("shared VIP with group-level portPools", { portPools: { "80": {} } }, /portPools are per Service/),
  g("shared VIP member listed twice", { members: [{ service: "web" }, { service: "web" }] }, /listed twice/),
];

describe("reliability: bad-input catalogue", function () {
  this.timeout(0);
  let ctx: Ctx;
  let host: ProviderHost;
  let providers: Providers;

  before(async () => {
    const [avi, kube] = await Promise.all([startAviEmulator(), startKubeEmulator()]);
    ctx = { avi, kube };
    await withSession(connectionTo(avi), async (s) => {
      await plantForeign(s);
      await s.post("pool", { name: "clash--default-web-TCP-80", servers: [] });
      await s.post("vsvip", {
        name: "clash2--default-web",
        markers: [{ key: "clustername", values: ["someone-else"] }],
        vip: [{ vip_id: "0", ip_address: { addr: "10.100.6.9", type: "V4" } }],
      });
      const [global] = await s.list<Props>("vrfcontext", { params: { name: "global" } });
      const id = routeIdFor("clash3", "192.168.101.0/24");
      const clash = {
        route_id: id,
        prefix: { ip_addr: { addr: "10.99.0.0", type: "V4" }, mask: 16 },
        next_hop: { addr: "10.100.1.200", type: "V4" },
      };
      await s.put(`vrfcontext/${global!.uuid}`, {
        ...global,
        static_routes: [...((global!.static_routes as unknown[]) ?? []), clash],
      });
    });
    kube.apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "manual", namespace: "default" },
      spec: { ports: [{ port: 80 }] },
    });
    kube.apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "external", namespace: "default" },
      spec: { type: "ExternalName", externalName: "db.example.com" },
    });
    const svc = (name: string, spec: Props = {}, annotations: Record<string, string> = {}, port = 80) =>
      kube.apply({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "default", annotations },
        spec: { selector: { app: "web" }, ports: [{ name: "http", port, targetPort: "http" }], ...spec },
      });
    // Pods whose readiness probe a monitor cannot stand for, each behind its own Service.
    for (const [name, probe] of [
      ["probe-exec", { exec: { command: ["true"] } }],
      ["probe-headers", { httpGet: { path: "/ready", port: "http", httpHeaders: [{ name: "X-Probe", value: "1" }] } }],
    ] as const) {
      kube.addPod({
        name: `${name}-pod`,
        node: "node1",
        labels: { app: name },
        ports: [{ name: "http", containerPort: 8080 }],
      });
      const pod = kube.get("pods", `${name}-pod`, "default")!;
      const [c] = pod.spec.containers;
      kube.apply({ ...pod, spec: { ...pod.spec, containers: [{ ...c, readinessProbe: probe }] } });
      svc(name, { selector: { app: name } });
    }
    svc("web-twin");
    svc("bad-ranges", { loadBalancerSourceRanges: ["everyone"] });
    svc("bad-vip", {}, { "ako.vmware.com/load-balancer-ip": "10.1.1" });
    svc("ranges-a", { loadBalancerSourceRanges: ["10.0.0.0/8"] });
    svc("ranges-b", { loadBalancerSourceRanges: ["10.0.0.0/16"] }, {}, 81);
    svc("vip-a", {}, { "ako.vmware.com/load-balancer-ip": "10.100.6.21" });
    svc("vip-b", {}, { "ako.vmware.com/load-balancer-ip": "10.100.6.22" }, 81);
    svc("tagged", {}, { "ako.vmware.com/enable-shared-vip": "other" });
    providers = await serializedProviders();
    host = await startHost(stackConfig(avi, kube));
  });
  after(async () => {
    await host?.stop();
    await ctx?.avi.stop();
    await ctx?.kube.stop();
  });

  /** The message a user would see: check failures as "field: reason", or the error of create. */
  async function attempt(c: Case): Promise<string | undefined> {
    const type = c.kind === "routes" ? ROUTES_TYPE : c.kind === "vs" ? VS_TYPE : SHARED_TYPE;
    const news = { __provider: c.kind === "routes" ? providers.routes : providers.vs, ...c.args(ctx) };
    try {
      const checked = await host.check({ type, name: "bad", news });
      if (checked.failures.length > 0) return checked.failures.map((f) => `${f.property}: ${f.reason}`).join(" ");
      await host.create({ type, name: "bad", properties: checked.inputs });
      return undefined;
    } catch (e) {
      return e instanceof HostCallError ? e.details : String(e);
    }
  }

  it(`rejects each of ${CASES.length} bad inputs naming the field or cause, with zero writes`, async () => {
    assert.ok(CASES.length >= 100);
    const problems: string[] = [];
    let leaks = 0;
    let writes = 0;
    // Everything already on the controller (the clash fixtures included) must stay as it is.
    const before = snapshotForeign(ctx.avi, ["bad"]);
    for (const c of CASES) {
      const writesBefore = ctx.avi.writes().length;
      const message = await attempt(c);
      const wrote = ctx.avi.writes().length - writesBefore;
      if (message === undefined) problems.push(`${c.name}: accepted`);
      else if (!c.names.test(message)) problems.push(`${c.name}: the message does not name ${c.names}: ${message}`);
      if (message?.includes(ctx.avi.password)) leaks++;
      writes += wrote;
      if (wrote > 0) problems.push(`${c.name}: ${wrote} writes reached the controller`);
    }
    const orphans = ["virtualservice", "vsvip", "pool"]
      .flatMap((t) => ctx.avi.objects(t))
      .filter((o) => String(o.name).startsWith("bad--")).length;
    // New objects of the other clusters would show here too, as "(new)".
    const changed = foreignChanges(ctx.avi, before, ["bad"]);
    report({
      campaign: "bad-input catalogue",
      unit: "inputs",
      schedules: CASES.length,
      converged: CASES.length - new Set(problems.map((p) => p.split(":")[0])).size,
      orphans,
      foreignChanges: changed.length,
      secretsFound: leaks,
      extra: { "writes on rejection": writes },
    });
    for (const p of problems) console.log(`      bad input FAILED ${p}`);
    assert.deepEqual(problems, []);
    assert.equal(leaks, 0);
    assert.deepEqual(changed, []);
    assert.equal(orphans, 0);
  });
});
