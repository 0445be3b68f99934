// The Service fields an L4 load balancer honours, and the readiness probe read from one backing pod: the pure
// mapping, and the reader against the Kubernetes emulator (one extra GET of one pod, never a pod list).
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { type KubeConnection, loadBalancerFields, probeFromPod, readServicePlacement } from "../../../provider/kube";

describe("Service load-balancer fields", () => {
  it("reads ClientIP affinity (Kubernetes' 3 h default), source ranges, the preferred VIP and the shared-VIP key", () => {
    assert.deepEqual(
      loadBalancerFields({
        metadata: {
          annotations: {
            "ako.vmware.com/load-balancer-ip": "10.10.10.70",
            "ako.vmware.com/enable-shared-vip": "dns",
          },
        },
        spec: {
          sessionAffinity: "ClientIP",
          loadBalancerSourceRanges: ["10.0.0.0/8", ""],
          loadBalancerIP: "10.10.10.71",
        },
      }),
      {
        sessionAffinity: { timeoutSeconds: 10800 },
        sourceRanges: { ranges: ["10.0.0.0/8"], from: "spec.loadBalancerSourceRanges" },
        preferredVip: { address: "10.10.10.70", from: "annotation ako.vmware.com/load-balancer-ip" },
        sharedVipKey: "dns",
      },
    );
    assert.deepEqual(
      loadBalancerFields({
        metadata: {
          annotations: { "service.beta.kubernetes.io/load-balancer-source-ranges": "10.1.0.0/16, 10.2.0.0/16" },
        },
        spec: {
          sessionAffinity: "ClientIP",
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
          loadBalancerIP: "10.10.10.71",
        },
      }),
      {
        sessionAffinity: { timeoutSeconds: 600 },
        sourceRanges: {
          ranges: ["10.1.0.0/16", "10.2.0.0/16"],
          from: "annotation service.beta.kubernetes.io/load-balancer-source-ranges",
        },
        preferredVip: { address: "10.10.10.71", from: "spec.loadBalancerIP" },
      },
    );
    assert.deepEqual(loadBalancerFields({ spec: { sessionAffinity: "None" } }), {});
  });

  it("takes the probe of the container declaring the target port and resolves named probe ports there", () => {
    const pod = {
      metadata: { name: "web-a" },
      spec: {
        containers: [
          { name: "sidecar", ports: [{ name: "admin", containerPort: 9901 }], readinessProbe: { exec: {} } },
          {
            name: "web",
            ports: [
              { name: "http", containerPort: 8080 },
              { name: "health", containerPort: 8081 },
            ],
            readinessProbe: {
              httpGet: { path: "/ready", port: "health", scheme: "HTTPS", httpHeaders: [{ name: "X-A", value: "1" }] },
            },
          },
        ],
      },
    };
    assert.deepEqual(probeFromPod(pod, "http"), {
      pod: "web-a",
      container: "web",
      kind: "httpGet",
      path: "/ready",
      scheme: "HTTPS",
      portSpec: "health",
      port: 8081,
      headers: ["X-A"],
    });
    assert.equal(probeFromPod(pod, 9901)?.kind, "exec");
    const tcp = { spec: { containers: [{ name: "c", readinessProbe: { tcpSocket: { port: 53 } } }] } };
    assert.deepEqual(probeFromPod(tcp, 53), { pod: "", container: "c", kind: "tcpSocket", portSpec: 53, port: 53 });
    assert.equal(probeFromPod({ spec: { containers: [{ name: "c" }] } }, 80)?.kind, "none");
  });
});

describe("readiness probe read against the Kubernetes emulator", function () {
  this.timeout(30000);
  let kube: KubeEmulator;
  let conn: KubeConnection;
  before(async () => {
    kube = await startKubeEmulator();
    conn = { kubeconfigPath: kube.kubeconfig };
  });
  after(async () => {
    await kube.stop();
  });

  it("costs one GET of one ready pod, never a pod list, and finds the seed pods' /healthz on http", async () => {
    const calls: string[] = [];
    const svc = await readServicePlacement(
      conn,
      { namespace: "default", name: "web" },
      {
        probe: true,
        onRequest: (r) => calls.push(r.path),
      },
    );
    assert.equal(calls.length, 3);
    assert.match(calls[2] ?? "", /^\/api\/v1\/namespaces\/default\/pods\/web-a$/);
    assert.deepEqual(svc.ports[0]?.readinessProbe, {
      pod: "web-a",
      container: "web",
      kind: "httpGet",
      path: "/healthz",
      scheme: "HTTP",
      portSpec: "http",
      port: 8080,
    });
    const plain: string[] = [];
    await readServicePlacement(conn, { namespace: "default", name: "web" }, { onRequest: (r) => plain.push(r.path) });
    assert.equal(plain.length, 2, "without a monitor from the probe, no pod is read");
  });
});
