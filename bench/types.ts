// What the bench's processes hand each other: a step for a child process to run, what the child reports back,
// and the rows the run prints and writes to bench/results/latest.json.
import type { LiveViewResult } from "./liveview";
import type { SyncResult } from "./sync";

/** How a step's child process reaches the two emulators (through the byte-counting relay for the controller). */
export interface Endpoints {
  kubeconfigPath: string;
  controller: string;
  username: string;
  password: string;
  caCert: string;
}

export type StepKind =
  | "routes.check"
  | "routes.create"
  | "routes.update"
  | "routes.diff"
  | "vs.check"
  | "vs.create"
  | "vs.update"
  | "vs.diff"
  | "ako.write"
  | "provider.size"
  /** Loads what every step loads, so the first measured step does not pay for a cold disk cache. */
  | "warmup";

export interface StepTask {
  kind: StepKind;
  cluster: string;
  endpoints?: Endpoints;
  /** Services managed by the program (vs.* steps), in namespace "default". */
  services?: string[];
  /** vs.* steps: the cluster's mode (kubernetes.mode); clusterip when absent. */
  mode?: "nodeport" | "nodeportlocal";
  /** Outputs of the previous apply (olds). */
  outsFile?: string;
  /** Checked inputs: written by check/update, read by create/diff. */
  checkedFile?: string;
  /** Where to write the new outputs. */
  writeOutsFile?: string;
  /** ako.write: the baseline writer's in-memory route-id prefixes per node, kept between events. */
  akoIdsFile?: string;
  /** ako.write: forget the route-id prefixes first, as an AKO restart does. */
  akoRestart?: boolean;
  /** provider.size: load the SDK from here, a consumer's node_modules/pulumi-avi-k8s (a link to this checkout). */
  packageDir?: string;
}

/** What a child measured about itself. */
export interface StepReport {
  /** Wall time of the measured work, after modules and input files were loaded. */
  ms: number;
  /** CPU time (user + system) of the child during the measured work: the part of `ms` a busy machine does not inflate. */
  cpuMs: number;
  /** Sub-timings of the work (check, diff, apply), when it has parts. */
  phases: Record<string, number>;
  /** RSS when the measured work began (node, modules, inputs). */
  baseRssMB: number;
  /** The process's peak RSS (getrusage maxrss), so module loading counts too. */
  peakRssMB: number;
  info: Record<string, number | string | boolean>;
}

/** What the servers saw while a step ran. */
export interface ServerCounts {
  kubeCalls: number;
  kubeBytes: number;
  /** A request listed pods (any namespace, or cluster-wide). */
  kubeListedPods: boolean;
  /** A request listed EndpointSlices without a label selector. */
  kubeAllSlices: boolean;
  /** Controller API reads (GET /api/...) and writes (POST/PUT/PATCH/DELETE /api/...). */
  aviReads: number;
  aviWrites: number;
  /** Login and logout requests. */
  aviSession: number;
  /** Login requests alone: with one shared session per provider process, one per `up`. */
  aviLogins: number;
  aviSentBytes: number;
  aviReceivedBytes: number;
}

export interface ScenarioSpec {
  /** A short label, e.g. "5000n default". */
  label: string;
  nodes: number;
  pods: number;
  /** Services the cluster has (pods are spread over them). */
  clusterServices: number;
  cni: "kubernetes" | "calico";
  /** Calico /26 blocks per node. */
  blocksPerNode: number;
  /** How many of the services the program manages, one group each (empty: routes only). */
  managed: number[];
}

/** "vs-nodeport": the virtual service of one Service in mode nodeport (servers = nodes × ports). */
export type Resource = "routes" | "ako-baseline" | "vs" | "vs-nodeport";
export type StepName = "check" | "create" | "diff" | "update-node" | "update-pod" | "restart";

export interface Row extends StepReport, ServerCounts {
  scenario: string;
  nodes: number;
  pods: number;
  cni: string;
  resource: Resource;
  /** For vs: how many services the program manages. */
  services?: number;
  step: StepName;
}

/**
 * `count`: calls, writes, logins, bytes, state and provider sizes. They do not depend on the machine, so a miss
 * is a regression and fails `npm test` (tests/bench). `timing`: wall time and memory, judged by `npm run bench`
 * only (a busy CI machine is not a regression).
 */
export type TargetKind = "count" | "timing";

export interface Target {
  name: string;
  kind: TargetKind;
  pass: boolean;
  detail: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  platform: string;
  loadAverage: number[];
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: Machine;
  /** Bytes of `__provider` per resource as users store it (the package installed), and in this checkout. */
  providerSize: {
    routes: number;
    virtualService: number;
    containsSecrets: boolean;
    checkout: { routes: number; virtualService: number };
  };
  rows: Row[];
  comparisons: Comparison[];
  targets: Target[];
  /** The Avi emulator's live view opened in headless Chromium at size (bench/liveview.ts). */
  liveView?: LiveViewResult;
  /** `avi-k8s sync` at size (bench/sync.ts). */
  sync?: SyncResult[];
}

/** Our writer against the AKO-style baseline for one kind of change. */
export interface Comparison {
  scenario: string;
  change: string;
  ours: { calls: number; apiCalls: number; sentBytes: number };
  baseline: { calls: number; apiCalls: number; sentBytes: number };
  /** ours / baseline (bytes sent; API calls; every request, logins included); null when the baseline sent none. */
  bytesRatio: number | null;
  apiCallsRatio: number | null;
  callsRatio: number | null;
}
