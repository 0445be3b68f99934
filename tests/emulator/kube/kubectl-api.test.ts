// The newer API surface through the real kubectl, every build from 1.27 to 1.33: Leases and Events in
// `kubectl get`, `kubectl describe svc` listing events a client created through events.k8s.io/v1, and the
// status subresource through `kubectl patch --subresource=status`.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call, masked, rows } from "./helpers";
import { ALL_KUBECTLS, KUBECTLS, kubectlRunner } from "./kubectl-support";

const podManifest = (name: string, node: string, gate?: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: {app: web}
spec:
  nodeName: ${node}${gate ? `\n  readinessGates:\n  - conditionType: ${gate}` : ""}
  containers:
  - name: web
    image: nginx:1.27
    ports: [{name: http, containerPort: 8080}]
`;

const serviceManifest = (name: string, type: string, nodePort?: number) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
spec:
  type: ${type}
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: http${nodePort ? `\n    nodePort: ${nodePort}` : ""}
`;

const LEASE = {
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "avi-k8s-sync", namespace: "default" },
  spec: { holderIdentity: "sync-7d4b9-x2x7q", leaseDurationSeconds: 15, renewTime: "2026-03-01T10:00:00.000000Z" },
};

describe("Kubernetes emulator with kubectl 1.27-1.33: leases, events, describe, status", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let tmp: string;
  before(async function () {
    if (ALL_KUBECTLS.length === 0) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubectl-api-"));
    kube = await startKubeEmulator();
    assert.equal(
      (await call(kube, "POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", { body: LEASE })).status,
      201,
    );
    const web = (await call(kube, "GET", "/api/v1/namespaces/default/services/web")).body;
    const event = {
      metadata: { name: "web.pool-updated", namespace: "default" },
      eventTime: new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z"),
      reportingController: "avi-k8s.io/sync",
      reportingInstance: "sync-0",
      action: "UpdatePool",
      reason: "PoolUpdated",
      type: "Normal",
      note: "pool default-web-80: added 192.168.102.5:8080",
      regarding: { apiVersion: "v1", kind: "Service", name: "web", namespace: "default", uid: web.metadata.uid },
    };
    assert.equal(
      (await call(kube, "POST", "/apis/events.k8s.io/v1/namespaces/default/events", { body: event })).status,
      201,
    );
    // An event about another object must not show under the service.
    await call(kube, "POST", "/apis/events.k8s.io/v1/namespaces/default/events", {
      body: {
        ...event,
        metadata: { name: "db.x", namespace: "default" },
        regarding: { kind: "Service", name: "db", namespace: "default" },
      },
    });
  });
  after(async () => {
    await kube?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const [i, bin] of ALL_KUBECTLS.entries()) {
    describe(bin, () => {
      let k: ReturnType<typeof kubectlRunner>;
      before(() => {
        const cache = path.join(tmp, `cache-${i}`);
        fs.mkdirSync(cache, { recursive: true });
        k = kubectlRunner(bin, kube.kubeconfig, cache);
      });

      it("describe svc web lists the event created through events.k8s.io/v1, read from core/v1 by involvedObject", async () => {
        const from = kube.requestLog.length;
        const out = (await k(["describe", "svc", "web"])).stdout;
        const events = out.slice(out.indexOf("Events:"));
        const table = rows(events).slice(1);
        assert.deepEqual(table[0], ["Type", "Reason", "Age", "From", "Message"]);
        assert.equal(table.length, 3, events);
        const [type, reason, , from_, message] = table[2];
        assert.deepEqual(
          [type, reason, from_, message],
          ["Normal", "PoolUpdated", "avi-k8s.io/sync", "pool default-web-80: added 192.168.102.5:8080"],
        );
        const read = kube.requestLog.slice(from).find((e) => e.path === "/api/v1/namespaces/default/events");
        assert.ok(read, "describe reads core/v1 events");
        const q = new URLSearchParams(read.query);
        assert.match(q.get("fieldSelector") ?? "", /involvedObject\.name=web/);
        assert.match(q.get("fieldSelector") ?? "", /involvedObject\.kind=Service/);
      });

      // kubectl 1.27 and 1.28 validate on the client against OpenAPI v2, which the emulator does not serve.
      const create = (file: string) => ["create", ...(KUBECTLS.includes(bin) ? [] : ["--validate=false"]), "-f", file];

      it("creates a NodePort service with a requested port, shows it, and refuses the taken port", async () => {
        const port = 30100 + i;
        const file = path.join(tmp, `np-${i}.yaml`);
        fs.writeFileSync(file, serviceManifest(`np-${i}`, "NodePort", port));
        await k(create(file));
        const t = rows((await k(["get", "svc", `np-${i}`])).stdout);
        assert.deepEqual([t[1][1], t[1][4]], ["NodePort", `80:${port}/TCP`]);
        fs.writeFileSync(file, serviceManifest(`np-${i}-again`, "LoadBalancer", port));
        const refused = await k(create(file), true);
        assert.equal(refused.code, 1);
        assert.match(
          refused.stderr,
          new RegExp(
            `The Service "np-${i}-again" is invalid: spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${port}: provided port is already allocated`,
          ),
        );
      });

      it("patches a LoadBalancer's status through --subresource=status and shows the EXTERNAL-IP", async () => {
        const file = path.join(tmp, `lb-${i}.yaml`);
        fs.writeFileSync(file, serviceManifest(`lb-${i}`, "LoadBalancer"));
        await k(create(file));
        assert.equal(rows((await k(["get", "svc", `lb-${i}`])).stdout)[1][3], "<pending>");
        const ip = `10.10.10.${10 + i}`;
        const patch = JSON.stringify({ status: { loadBalancer: { ingress: [{ ip }] } } });
        await k(["patch", "svc", `lb-${i}`, "--subresource=status", "--type=merge", "-p", patch]);
        assert.equal(rows((await k(["get", "svc", `lb-${i}`])).stdout)[1][3], ip);
        const mode = (await k(["get", "svc", `lb-${i}`, "-o", "jsonpath={.status.loadBalancer.ingress[0].ipMode}"]))
          .stdout;
        assert.equal(mode, "VIP");
        // A patch of the object itself does not touch the status.
        await k([
          "patch",
          "svc",
          `lb-${i}`,
          "--type=merge",
          "-p",
          JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: "10.9.9.9" }] } } }),
        ]);
        assert.equal(rows((await k(["get", "svc", `lb-${i}`])).stdout)[1][3], ip);
      });

      it("runs a created pod on its node (IP from the node's CIDR, Ready), and deletes it gracefully", async () => {
        const file = path.join(tmp, `kp-${i}.yaml`);
        fs.writeFileSync(file, podManifest(`kp-${i}`, "node2"));
        await k(create(file));
        await k(["wait", "--for=condition=Ready", `pod/kp-${i}`, "--timeout=10s"]);
        const row = rows((await k(["get", "pod", `kp-${i}`, "-o", "wide"])).stdout)[1];
        assert.deepEqual([row[1], row[2], row[6]], ["1/1", "Running", "node2"]);
        assert.match(row[5], /^192\.168\.102\.\d+$/);
        assert.match((await k(["delete", "pod", `kp-${i}`])).stdout, new RegExp(`pod "kp-${i}" deleted`));
        assert.match((await k(["get", "pod", `kp-${i}`], true)).stderr, /NotFound/);
      });

      it("holds a gated pod not Ready until its gate condition is patched through /status", async () => {
        const gate = "avi-k8s.io/pool-member";
        const file = path.join(tmp, `gp-${i}.yaml`);
        fs.writeFileSync(file, podManifest(`gp-${i}`, "node1", gate));
        await k(create(file));
        await k(["wait", "--for=condition=ContainersReady", `pod/gp-${i}`, "--timeout=10s"]);
        let row = rows((await k(["get", "pod", `gp-${i}`, "-o", "wide"])).stdout)[1];
        assert.deepEqual([row[1], row.at(-1)], ["1/1", "0/1"]);
        const patch = JSON.stringify({ status: { conditions: [{ type: gate, status: "True" }] } });
        await k(["patch", "pod", `gp-${i}`, "--subresource=status", "-p", patch]);
        await k(["wait", "--for=condition=Ready", `pod/gp-${i}`, "--timeout=10s"]);
        row = rows((await k(["get", "pod", `gp-${i}`, "-o", "wide"])).stdout)[1];
        assert.equal(row.at(-1), "1/1");
        await k(["delete", "pod", `gp-${i}`, "--grace-period=0", "--force"], true);
      });

      it("annotating a Service for NodePortLocal makes the agent annotate its pods; removing it clears them", async () => {
        const jsonpath = "jsonpath={.metadata.annotations.nodeportlocal\\.antrea\\.io}";
        await k(["annotate", "svc", "web", "nodeportlocal.antrea.io/enabled=true"]);
        const value = (await k(["get", "pod", "web-c", "-o", jsonpath])).stdout;
        const [entry] = JSON.parse(value);
        assert.deepEqual([entry.podPort, entry.nodeIP, entry.protocol], [8080, "10.100.1.102", "tcp"]);
        assert.ok(entry.nodePort >= 61000 && entry.nodePort <= 62000);
        await k(["annotate", "svc", "web", "nodeportlocal.antrea.io/enabled-"]);
        assert.equal((await k(["get", "pod", "web-c", "-o", jsonpath])).stdout, "");
      });

      it("get leases prints NAME, HOLDER, AGE", async () => {
        assert.deepEqual(masked((await k(["get", "leases"])).stdout), [
          ["NAME", "HOLDER", "AGE"],
          ["avi-k8s-sync", "sync-7d4b9-x2x7q", "<age>"],
        ]);
      });

      it("get events prints the event columns, -o wide the source and name", async () => {
        const t = rows((await k(["get", "events", "--field-selector", "involvedObject.name=web"])).stdout);
        assert.deepEqual(t[0], ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
        assert.deepEqual(t[1].slice(1), [
          "Normal",
          "PoolUpdated",
          "service/web",
          "pool default-web-80: added 192.168.102.5:8080",
        ]);
        const wide = rows(
          (await k(["get", "events.events.k8s.io", "-o", "wide", "--field-selector", "regarding.name=web"])).stdout,
        );
        assert.deepEqual(wide[0], [
          "LAST SEEN",
          "TYPE",
          "REASON",
          "OBJECT",
          "SUBOBJECT",
          "SOURCE",
          "MESSAGE",
          "FIRST SEEN",
          "COUNT",
          "NAME",
        ]);
        // The empty SUBOBJECT cell disappears when splitting on spaces: compare from the end.
        assert.deepEqual(wide[1].slice(-5), [
          "avi-k8s.io/sync, sync-0",
          "pool default-web-80: added 192.168.102.5:8080",
          wide[1][0],
          "1",
          "web.pool-updated",
        ]);
      });
    });
  }
});
