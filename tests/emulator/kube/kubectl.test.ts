// Conformance of the Kubernetes emulator with the real kubectl: every kubectl build found on the machine runs
// against the emulator through a generated kubeconfig, and its output is compared with what a real cluster
// prints for the same objects (the expected tables below; AGE and generated slice names are masked).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { masked, rows, seedWithCniObjects } from "./helpers";
import { CANDIDATES, KUBECTLS, kubectlRunner } from "./kubectl-support";

// What a v1.32 cluster prints for the seed objects (AGE masked).
const NODES_WIDE = [
  [
    "NAME",
    "STATUS",
    "ROLES",
    "AGE",
    "VERSION",
    "INTERNAL-IP",
    "EXTERNAL-IP",
    "OS-IMAGE",
    "KERNEL-VERSION",
    "CONTAINER-RUNTIME",
  ],
  [
    "node1",
    "Ready",
    "<none>",
    "<age>",
    "v1.32.4",
    "10.100.1.101",
    "<none>",
    "Ubuntu 24.04.2 LTS",
    "6.8.0-59-generic",
    "containerd://2.0.5",
  ],
  [
    "node2",
    "Ready",
    "<none>",
    "<age>",
    "v1.32.4",
    "10.100.1.102",
    "<none>",
    "Ubuntu 24.04.2 LTS",
    "6.8.0-59-generic",
    "containerd://2.0.5",
  ],
];
const POD_HEADER = ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"];
const POD_ROWS = [
  ["web-a", "1/1", "Running", "0", "<age>", "192.168.101.13", "node1", "<none>", "<none>"],
  ["web-b", "1/1", "Running", "0", "<age>", "192.168.101.22", "node1", "<none>", "<none>"],
  ["web-c", "1/1", "Running", "0", "<age>", "192.168.102.17", "node2", "<none>", "<none>"],
  ["web-d", "1/1", "Running", "0", "<age>", "192.168.102.36", "node2", "<none>", "<none>"],
];
const SLICES_WIDE = [
  ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
  ["web-<generated>", "IPv4", "8080", "192.168.101.13,192.168.101.22,192.168.102.17 + 1 more...", "<age>"],
];
const BLOCKS = [
  ["NAME", "AGE"],
  ["node1-192-168-101-0-26", "<age>"],
  ["node1-192-168-101-128-26", "<age>"],
  ["node1-192-168-101-64-26", "<age>"],
  ["node2-192-168-102-0-26", "<age>"],
  ["node2-192-168-102-64-26", "<age>"],
];
const CILIUM_NODES = [
  ["NAME", "CILIUMINTERNALIP", "INTERNALIP", "AGE"],
  ["node1", "10.244.1.200", "10.100.1.101", "<age>"],
  ["node2", "10.244.2.53", "10.100.1.102", "<age>"],
];

const podManifest = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: {app: web}
spec:
  nodeName: node1
  containers:
  - name: web
    image: nginx:1.27
    ports: [{name: http, containerPort: 8080}]
`;

if (KUBECTLS.length === 0) {
  console.warn(
    `\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n` +
      `!! NO kubectl FOUND (looked for ${CANDIDATES.join(", ")}).\n` +
      `!! The Kubernetes emulator's kubectl conformance suite DID NOT RUN.\n` +
      `!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`,
  );
}

describe("Kubernetes emulator with the real kubectl", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let tmp: string;

  before(async () => {
    if (KUBECTLS.length === 0) return;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubectl-conformance-"));
    kube = await startKubeEmulator({ objects: seedWithCniObjects(), bookmarkIntervalMs: 200 });
  });
  after(async () => {
    await kube?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  if (KUBECTLS.length === 0) {
    it(
      "NOT RUN: no kubectl binary found (/usr/bin/kubectl, kubectl.1.29 ... kubectl.1.33): install one to check the emulator",
    );
    return;
  }

  for (const [i, bin] of KUBECTLS.entries()) {
    const full = i === 0;
    describe(`${bin}${full ? " (full scenario list)" : " (representative subset)"}`, () => {
      let k: ReturnType<typeof kubectlRunner>;
      before(() => {
        const cache = path.join(tmp, `cache-${i}`);
        fs.mkdirSync(cache, { recursive: true });
        k = kubectlRunner(bin, kube.kubeconfig, cache);
      });

      it("prints the real columns and rows for get nodes -o wide", async () => {
        assert.deepEqual(masked((await k(["get", "nodes", "-o", "wide"])).stdout), NODES_WIDE);
      });

      it("prints get pods -o wide, and -A adds the NAMESPACE column", async () => {
        assert.deepEqual(masked((await k(["get", "pods", "-o", "wide"])).stdout), [POD_HEADER, ...POD_ROWS]);
        const all = masked((await k(["get", "pods", "-A", "-o", "wide"])).stdout);
        assert.deepEqual(all, [["NAMESPACE", ...POD_HEADER], ...POD_ROWS.map((r) => ["default", ...r])]);
      });

      it("lists the web EndpointSlice by its kubernetes.io/service-name label", async () => {
        const out = (await k(["get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "wide"])).stdout;
        assert.deepEqual(masked(out), SLICES_WIDE);
      });

      it("creates a pod, marks it ready through /status and removes it again", async () => {
        const file = path.join(tmp, `pod-${i}.yaml`);
        const name = `web-x${i}`;
        fs.writeFileSync(file, podManifest(name));
        assert.match((await k(["apply", "-f", file])).stdout, new RegExp(`pod/${name} created`));
        await k([
          "patch",
          "pod",
          name,
          "--subresource=status",
          "--type=merge",
          "-p",
          `{"status":{"phase":"Running","podIP":"192.168.101.${50 + i}","podIPs":[{"ip":"192.168.101.${50 + i}"}],"conditions":[{"type":"Ready","status":"True"}]}}`,
        ]);
        const eps = (
          await k([
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "jsonpath={.items[*].endpoints[*].addresses[0]}",
          ])
        ).stdout;
        assert.ok(eps.split(" ").includes(`192.168.101.${50 + i}`), eps);
        assert.match((await k(["delete", "pod", name])).stdout, new RegExp(`pod "${name}" deleted`));
        const after = (await k(["get", "pods", "-o", "name"])).stdout;
        assert.doesNotMatch(after, new RegExp(name));
      });

      if (!full) return;

      it("prints blockaffinities (Name, Age) and ciliumnodes with their printer columns", async () => {
        assert.deepEqual(masked((await k(["get", "blockaffinities"])).stdout), BLOCKS);
        assert.deepEqual(masked((await k(["get", "ciliumnodes"])).stdout), CILIUM_NODES);
        assert.deepEqual(masked((await k(["get", "cn"])).stdout), CILIUM_NODES);
        const cidrs = (await k(["get", "ciliumnode", "node1", "-o", "jsonpath={.spec.ipam.podCIDRs[*]}"])).stdout;
        assert.equal(cidrs, "10.244.1.0/24");
      });

      it("selects pods with every label selector operator", async () => {
        await k(["label", "pod", "web-a", "tier=front"]);
        await k(["label", "pod", "web-c", "tier=back"]);
        const names = async (sel: string) =>
          (await k(["get", "pods", "-l", sel, "-o", "name"])).stdout
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((n) => n.slice(4));
        try {
          assert.deepEqual(await names("tier=front"), ["web-a"]);
          assert.deepEqual(await names("tier==back"), ["web-c"]);
          assert.deepEqual(await names("tier!=front"), ["web-b", "web-c", "web-d"]);
          assert.deepEqual(await names("tier in (front,back)"), ["web-a", "web-c"]);
          assert.deepEqual(await names("tier notin (front)"), ["web-b", "web-c", "web-d"]);
          assert.deepEqual(await names("tier"), ["web-a", "web-c"]);
          assert.deepEqual(await names("!tier"), ["web-b", "web-d"]);
          assert.deepEqual(await names("app=web,!tier"), ["web-b", "web-d"]);
        } finally {
          await k(["label", "pod", "web-a", "tier-"]);
          await k(["label", "pod", "web-c", "tier-"]);
        }
        assert.deepEqual(await names("tier"), []);
      });

      it("filters with field selectors and rejects unknown fields with the real error texts", async () => {
        const out = (await k(["get", "pods", "-A", "--field-selector", "spec.nodeName=node2", "--no-headers"])).stdout;
        assert.deepEqual(
          rows(out).map((r) => r[1]),
          ["web-c", "web-d"],
        );
        const ip = (await k(["get", "pods", "--field-selector", "status.podIP=192.168.101.22", "-o", "name"])).stdout;
        assert.equal(ip.trim(), "pod/web-b");
        const notRunning = await k(["get", "pods", "--field-selector", "status.phase!=Running", "-o", "name"]);
        assert.equal(notRunning.stdout.trim(), "");
        let r = await k(["get", "pods", "--field-selector", "spec.foo=bar"], true);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.foo/);
        r = await k(["get", "endpointslices", "--field-selector", "addressType=IPv4"], true);
        assert.match(
          r.stderr,
          /"addressType" is not a known field selector: only "metadata\.name", "metadata\.namespace"/,
        );
        r = await k(["get", "pod", "nope"], true);
        assert.match(r.stderr, /Error from server \(NotFound\): pods "nope" not found/);
      });

      it("pages with --chunk-size through limit and continue", async () => {
        const before = kube.requestLog.length;
        const out = (await k(["get", "pods", "-A", "--chunk-size=1", "-o", "name"])).stdout.trim().split("\n");
        assert.deepEqual(out, ["pod/web-a", "pod/web-b", "pod/web-c", "pod/web-d"]);
        const pages = kube.requestLog.slice(before).filter((e) => e.path === "/api/v1/pods" && e.method === "GET");
        assert.equal(pages.length, 4);
        assert.match(pages[0].query, /limit=1/);
        for (const p of pages.slice(1)) assert.match(p.query, /continue=/);
      });

      it("creates, refuses a duplicate create, labels and deletes", async () => {
        const file = path.join(tmp, "create.yaml");
        fs.writeFileSync(file, podManifest("web-created"));
        assert.match((await k(["create", "-f", file])).stdout, /pod\/web-created created/);
        const again = await k(["create", "-f", file], true);
        assert.match(again.stderr, /AlreadyExists.*pods "web-created" already exists/);
        await k(["label", "pod", "web-created", "release=canary"]);
        const labels = (await k(["get", "pod", "web-created", "-o", "jsonpath={.metadata.labels.release}"])).stdout;
        assert.equal(labels, "canary");
        await k(["delete", "-f", file]);
        const gone = await k(["get", "pod", "web-created"], true);
        assert.match(gone.stderr, /NotFound/);
      });

      it("streams changes to a bounded get -w", async () => {
        const from = kube.requestLog.length;
        const watching = k(["get", "pods", "-w", "--request-timeout=4s"], true);
        // Change the pod only once kubectl's watch is open, whatever the machine's load.
        const watchOpen = () =>
          kube.requestLog.slice(from).some((e) => e.watch && e.path === "/api/v1/namespaces/default/pods");
        for (let i = 0; i < 200 && !watchOpen(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(watchOpen(), "kubectl opened a watch");
        kube.setPodReady("default", "web-b", false);
        kube.setPodReady("default", "web-b", true);
        const out = (await watching).stdout;
        const webB = rows(out).filter((r) => r[0] === "web-b");
        assert.ok(
          webB.some((r) => r[1] === "0/1"),
          out,
        );
        assert.equal(webB[webB.length - 1][1], "1/1", out);
      });
    });
  }
});
