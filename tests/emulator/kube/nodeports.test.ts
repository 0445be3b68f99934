// Service node ports as the real registry allocates them: from 30000-32767, unique across the cluster, a requested
// one honoured or refused with the real 422 text, none for allocateLoadBalancerNodePorts: false, a health check
// node port for LoadBalancer Services with externalTrafficPolicy Local, released on delete and on a type change.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call } from "./helpers";

const SVC = "/api/v1/namespaces/default/services";
const MERGE = "application/merge-patch+json";
// biome-ignore lint/suspicious/noExplicitAny: service specs are open-ended JSON.
const service = (name: string, spec: any) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }], ...spec },
});
const inRange = (p: number) => Number.isInteger(p) && p >= 30000 && p <= 32767;

describe("Kubernetes emulator Service node ports", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  beforeEach(async () => {
    kube = await startKubeEmulator();
  });
  afterEach(async () => {
    await kube.stop();
  });

  it("allocates distinct node ports from 30000-32767 for NodePort and LoadBalancer services, none for ClusterIP", async () => {
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      const type = i % 2 ? "NodePort" : "LoadBalancer";
      const r = await call(kube, "POST", SVC, {
        body: service(`s${i}`, {
          type,
          ports: [
            { name: "http", port: 80 },
            { name: "https", port: 443 },
          ],
        }),
      });
      assert.equal(r.status, 201);
      seen.push(...r.body.spec.ports.map((p: { nodePort: number }) => p.nodePort));
    }
    assert.equal(seen.length, 80);
    assert.ok(seen.every(inRange), seen.join());
    assert.equal(new Set(seen).size, 80, "no node port is handed out twice");
    const web = (await call(kube, "GET", `${SVC}/web`)).body;
    assert.equal(web.spec.ports[0].nodePort, undefined);
  });

  it("honours a requested node port and refuses a taken or out-of-range one with the real texts", async () => {
    const a = await call(kube, "POST", SVC, {
      body: service("a", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 30080 }] }),
    });
    assert.equal(a.body.spec.ports[0].nodePort, 30080);
    const taken = await call(kube, "POST", SVC, {
      body: service("b", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    });
    assert.equal(taken.status, 422);
    assert.equal(taken.body.reason, "Invalid");
    assert.equal(
      taken.body.message,
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    assert.deepEqual(taken.body.details.causes, [
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: 30080: provided port is already allocated",
        field: "spec.ports[0].nodePort",
      },
    ]);
    const range = await call(kube, "POST", SVC, {
      body: service("c", { type: "NodePort", ports: [{ port: 80, nodePort: 8080 }] }),
    });
    assert.equal(
      range.body.message,
      'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    const clusterIp = await call(kube, "POST", SVC, { body: service("d", { ports: [{ port: 80, nodePort: 30099 }] }) });
    assert.equal(
      clusterIp.body.message,
      "Service \"d\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    );
    // Deleting the holder frees the port.
    assert.equal((await call(kube, "DELETE", `${SVC}/a`)).status, 200);
    const again = await call(kube, "POST", SVC, {
      body: service("b", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    });
    assert.equal(again.status, 201);
  });

  it("allocates none for allocateLoadBalancerNodePorts: false but honours requested ones", async () => {
    const none = await call(kube, "POST", SVC, {
      body: service("lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false }),
    });
    assert.equal(none.body.spec.ports[0].nodePort, undefined);
    assert.equal(none.body.spec.allocateLoadBalancerNodePorts, false);
    const requested = await call(kube, "POST", SVC, {
      body: service("lb2", {
        type: "LoadBalancer",
        allocateLoadBalancerNodePorts: false,
        ports: [{ port: 80, nodePort: 31000 }],
      }),
    });
    assert.equal(requested.body.spec.ports[0].nodePort, 31000);
    const lb = await call(kube, "POST", SVC, { body: service("lb3", { type: "LoadBalancer" }) });
    assert.equal(lb.body.spec.allocateLoadBalancerNodePorts, true, "defaulted to true");
  });

  it("allocates a health check node port for externalTrafficPolicy Local and releases it when no longer needed", async () => {
    const local = (
      await call(kube, "POST", SVC, {
        body: service("local", { type: "LoadBalancer", externalTrafficPolicy: "Local" }),
      })
    ).body;
    const hc = local.spec.healthCheckNodePort;
    assert.ok(inRange(hc));
    assert.notEqual(hc, local.spec.ports[0].nodePort);
    const taken = await call(kube, "POST", SVC, {
      body: service("local2", { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: hc }),
    });
    assert.equal(taken.status, 500);
    assert.equal(taken.body.reason, "InternalError");
    assert.equal(
      taken.body.message,
      `Internal error occurred: failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated`,
    );
    const cluster = (
      await call(kube, "PATCH", `${SVC}/local`, {
        body: { spec: { externalTrafficPolicy: "Cluster" } },
        contentType: MERGE,
      })
    ).body;
    assert.equal(cluster.spec.healthCheckNodePort, undefined);
    const reuse = await call(kube, "POST", SVC, {
      body: service("local3", { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: hc }),
    });
    assert.equal(reuse.status, 201, "the released port can be requested again");
    const nodePort = await call(kube, "POST", SVC, {
      body: service("np", { type: "NodePort", externalTrafficPolicy: "Local" }),
    });
    assert.equal(nodePort.body.spec.healthCheckNodePort, undefined, "only LoadBalancer services get one");
  });

  it("releases node ports on a change to ClusterIP and keeps them on an update that leaves them out", async () => {
    const lb = (
      await call(kube, "POST", SVC, {
        body: service("lb", {
          type: "LoadBalancer",
          externalTrafficPolicy: "Local",
          ports: [{ name: "http", port: 80, nodePort: 30080 }],
        }),
      })
    ).body;
    // A PUT of the original manifest (no node ports, no health check port) keeps the allocated values.
    const manifest = service("lb", {
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      ports: [{ name: "http", port: 80 }],
    });
    const put = (await call(kube, "PUT", `${SVC}/lb`, { body: { ...manifest, metadata: lb.metadata } })).body;
    assert.equal(put.spec.ports[0].nodePort, 30080);
    assert.equal(put.spec.healthCheckNodePort, lb.spec.healthCheckNodePort);
    assert.equal(put.spec.clusterIP, lb.spec.clusterIP);
    const cip = (await call(kube, "PATCH", `${SVC}/lb`, { body: { spec: { type: "ClusterIP" } }, contentType: MERGE }))
      .body;
    assert.deepEqual(
      [
        cip.spec.ports[0].nodePort,
        cip.spec.healthCheckNodePort,
        cip.spec.allocateLoadBalancerNodePorts,
        cip.spec.externalTrafficPolicy,
      ],
      [undefined, undefined, undefined, undefined],
    );
    const other = await call(kube, "POST", SVC, {
      body: service("other", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    });
    assert.equal(other.status, 201, "30080 was released");
    const back = (await call(kube, "PATCH", `${SVC}/lb`, { body: { spec: { type: "NodePort" } }, contentType: MERGE }))
      .body;
    assert.ok(inRange(back.spec.ports[0].nodePort));
    assert.notEqual(back.spec.ports[0].nodePort, 30080);
  });

  it("gives the same port number over TCP and UDP one node port", async () => {
    const dns = (
      await call(kube, "POST", SVC, {
        body: service("dns", {
          type: "NodePort",
          ports: [
            { name: "dns-tcp", port: 53, protocol: "TCP" },
            { name: "dns-udp", port: 53, protocol: "UDP" },
          ],
        }),
      })
    ).body;
    assert.equal(dns.spec.ports[0].nodePort, dns.spec.ports[1].nodePort);
  });
});
