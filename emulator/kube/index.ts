// The Kubernetes API emulator: an in-process HTTPS API server that kubectl (1.27-1.33) and
// @kubernetes/client-node 1.4 use unchanged. Only ever binds 127.0.0.1.
//
//   const kube = await startKubeEmulator({ topology?: file, objects?: KubeObject[], port?, token?, faults?,
//                                          bookmarkIntervalMs?, kubelet?, nodePortLocal?, freshCa?, dir? });
//   kube.url, kube.kubeconfig (file path), kube.kubeconfigContent, kube.token, kube.caFile, kube.caCert
//   kube.requestLog            every request: {method, path, query, status, bytes, accept, contentType, watch}
//   kube.faults                live knobs: unauthorized/forbidden/expireContinue/tooManyRequests/serverError are
//                              counts of upcoming requests to fail (Infinity = until cleared), retryAfterSeconds,
//                              latencyMs, pathPattern; kube.setFaults({...}) / kube.clearFaults()
//   kube.addNode / removeNode / setNodeReady / addPod / movePod(ns, name, toNode) / setPodReady / terminatePod /
//   deletePod / apply(obj) / remove(apiVersion, kind, name, ns?) / get(resource, name, ns?) / list(resource, ns?)
//   kube.createPod / setPodCondition / rollout(target, options) / waitFor(...) / settled()   (mutations.ts)
//   kube.kubelet               the kubelet's live delays; kube.compact() / kube.dropWatches() for watch tests
//   kube.load(objects)         adds more objects (bulk, then one EndpointSlice derivation)
//   await kube.stop()          closes watches and the server, removes the temporary directory
//
// Without topology or objects it serves the seed topology (fixtures/seed.yaml; FIXTURES and fixturePath(name) name
// the others). Controllers run on every change: EndpointSlices and v1 Endpoints from Services and Pods
// (slices.ts), a kubelet/CNI (kubelet.ts, ipam.ts) and Antrea's NodePortLocal agent (npl.ts); the Service
// registry allocates cluster IPs and node ports (allocators.ts). generateCluster({nodes, services,
// podsPerService | pods, seed, cni?, calicoBlocksPerNode?, notReadyEvery?}) builds large deterministic clusters.
// Limits: no admission, RBAC, immutability checks or schemas; strategic merge and server-side apply are
// approximations; legacy (not aggregated) discovery only; no scheduler (a pod needs spec.nodeName to start).
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { generateTls, type TlsMaterial } from "../common/tls";
import { type KubeFaults, noFaults } from "./faults";
import { fixturePath, loadObjects, readFixture } from "./fixtures";
import { createIpam } from "./ipam";
import { createKubelet, type KubeletOptions } from "./kubelet";
import { type KubeMutations, createMutations } from "./mutations";
import { createNplAgent, type NplOptions } from "./npl";
import { createObjectApi, defineIndexes } from "./objects";
import { byResource } from "./resources";
import { createHandler, type RequestLogEntry } from "./server";
import { createStore } from "./store";
import type { KubeObject } from "./types";

export type { AddNodeOptions, AddPodOptions, CreatePodOptions, KubeMutations } from "./mutations";
export { nodePodCidrs } from "./ipam";
export type { KubeletOptions } from "./kubelet";
export { READY_AFTER_ANNOTATION, TERMINATE_AFTER_ANNOTATION } from "./kubelet";
export type { RolloutOptions, RolloutResult, RolloutTarget } from "./rollout";
export type { NplFormat, NplOptions } from "./npl";
export { NPL_ANNOTATION, NPL_ENABLED_ANNOTATION } from "./npl";
export type { KubeFaults } from "./faults";
export type { RequestLogEntry } from "./server";
export type { KubeObject } from "./types";
export { generateCluster, type GenerateOptions } from "./generate";
export { fixturePath, parseFixture, readFixture } from "./fixtures";

/** The fixtures shipped in emulator/kube/fixtures. */
export const FIXTURES = ["seed", "calico", "cilium", "ovn", "antrea", "dualstack", "readiness"] as const;

export interface KubeEmulatorOptions {
  /** Port on 127.0.0.1; 0 or omitted picks a free one. */
  port?: number;
  /** A fixture file (kubectl get -o yaml List format); the seed topology when neither this nor objects is given. */
  topology?: string;
  /** Objects to serve (e.g. from generateCluster), instead of or in addition to topology. */
  objects?: readonly KubeObject[];
  /** The bearer token clients must send; a random one when omitted. */
  token?: string;
  faults?: Partial<KubeFaults>;
  /** Interval of watch BOOKMARK events when a client allows them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /**
   * The kubelet/CNI imitation: pods bound to a node start (an IP from the node's pod CIDR) and turn Ready after
   * these delays, and pods deleted with a grace period are removed after terminateAfterMs. false: no kubelet
   * (pods created over the API stay Pending and HTTP deletes remove pods at once). Default: all delays 0.
   */
  kubelet?: false | Partial<KubeletOptions>;
  /**
   * The Antrea NodePortLocal agent imitation (on unless false): portRange (default [61000, 62000]) and the
   * annotation format, "v2" (default, Antrea 2.x), "v1.7" (adds the deprecated protocols list) or "v1.4".
   */
  nodePortLocal?: false | Partial<NplOptions>;
  /** A CA of its own instead of the one emulators in this process share (generating one takes seconds). */
  freshCa?: boolean;
  /** Where to write ca.crt and kubeconfig; a fresh temporary directory (removed by stop()) when omitted. */
  dir?: string;
}

export interface KubeEmulator extends KubeMutations {
  url: string;
  /** Path of a kubeconfig file for kubectl (KUBECONFIG) and client-node (loadFromFile). */
  kubeconfig: string;
  kubeconfigContent: string;
  token: string;
  caFile: string;
  caCert: string;
  requestLog: RequestLogEntry[];
  faults: KubeFaults;
  setFaults(faults: Partial<KubeFaults>): void;
  clearFaults(): void;
  load(objects: readonly KubeObject[]): void;
  /** The current resourceVersion of the store. */
  resourceVersion(): string;
  /** Changes the kubelet's delays from now on (the live options; undefined when started with kubelet: false). */
  kubelet?: KubeletOptions;
  /** Compacts the watch history, as etcd does: watches from any resourceVersion before now get 410 Expired. */
  compact(): void;
  /** Ends every open watch, as an API server restart or a load balancer idle timeout would. */
  dropWatches(): void;
  stop(): Promise<void>;
}

// Generating an RSA CA and certificate in JavaScript takes seconds, so emulators started in one process share
// one CA unless a caller asks for a fresh one; each start still writes its own ca.crt.
let sharedTls: Promise<TlsMaterial> | undefined;
async function serverTls(dir: string, fresh: boolean): Promise<TlsMaterial> {
  if (fresh) return generateTls("kube-emulator", dir);
  sharedTls ??= (async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kube-emulator-ca-"));
    try {
      return await generateTls("kube-emulator", scratch);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  })();
  const tls = await sharedTls;
  const caFile = path.join(dir, "ca.crt");
  fs.writeFileSync(caFile, tls.caCert);
  return { ...tls, caFile };
}

export function kubeconfigYaml(url: string, caCert: string, token: string): string {
  return YAML.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "emulator",
          cluster: { server: url, "certificate-authority-data": Buffer.from(caCert).toString("base64") },
        },
      ],
      users: [{ name: "emulator-user", user: { token } }],
      contexts: [{ name: "emulator", context: { cluster: "emulator", user: "emulator-user", namespace: "default" } }],
      "current-context": "emulator",
      preferences: {},
    },
    { lineWidth: 0 },
  );
}

export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "kube-emulator-"));
  const tls = await serverTls(dir, options.freshCa === true);
  const token = options.token ?? `emulator-${require("node:crypto").randomBytes(16).toString("hex")}`;
  const store = createStore();
  defineIndexes(store);
  const api = createObjectApi(store);
  const ipam = createIpam(store);
  const kubelet =
    options.kubelet === false
      ? undefined
      : createKubelet(store, api, ipam, { startAfterMs: 0, readyAfterMs: 0, terminateAfterMs: 0, ...options.kubelet });
  if (kubelet) {
    api.addController(kubelet);
    api.settings.gracefulPodDeletion = true;
  }
  if (options.nodePortLocal !== false) {
    api.addController(
      createNplAgent(store, api, { portRange: [61000, 62000], format: "v2", ...options.nodePortLocal }),
    );
  }
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    api.create(byResource("namespaces"), { metadata: { name: ns, creationTimestamp: "2026-01-01T00:00:00Z" } });
  }
  if (options.topology) loadObjects(store, api, readFixture(options.topology));
  if (options.objects) loadObjects(store, api, options.objects);
  if (!options.topology && !options.objects) loadObjects(store, api, readFixture(fixturePath("seed.yaml")));

  const faults: KubeFaults = { ...noFaults(), ...options.faults };
  const requestLog: RequestLogEntry[] = [];
  const openWatches = new Set<() => void>();
  let port = 0;
  const handler = createHandler({
    store,
    api,
    token,
    faults,
    requestLog,
    hostPort: () => `127.0.0.1:${port}`,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    openWatches,
  });
  const server = https.createServer({ key: tls.key, cert: tls.cert }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigContent = kubeconfigYaml(url, tls.caCert, token);
  const kubeconfig = path.join(dir, "kubeconfig");
  fs.writeFileSync(kubeconfig, kubeconfigContent, { mode: 0o600 });

  let stopped = false;
  return {
    ...createMutations(store, api, ipam, kubelet),
    kubelet: kubelet?.options,
    url,
    kubeconfig,
    kubeconfigContent,
    token,
    caFile: tls.caFile,
    caCert: tls.caCert,
    requestLog,
    faults,
    setFaults: (f) => Object.assign(faults, f),
    clearFaults: () => {
      Object.assign(faults, noFaults());
      faults.pathPattern = undefined;
    },
    load: (more) => {
      loadObjects(store, api, more);
    },
    resourceVersion: () => String(store.rv()),
    compact: () => store.compact(),
    dropWatches: () => {
      for (const close of [...openWatches]) close();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      kubelet?.stop();
      for (const close of [...openWatches]) close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
