// The sync's watches follow its work: one EndpointSlice watch per namespace selecting exactly the managed Services,
// the Services of those namespaces, Nodes while routes are kept or NodePort Services depend on them, the pods of
// namespaces with NodePortLocal Services, and the CNI's pod-CIDR objects the routes records read. Each change that
// matters (filter.ts) becomes an event on the key it concerns (`svc:<ns>/<name>` or `routes:<record>`).
import { type Informer, type KubeClient, startInformer } from "../kube";
import { LABEL_SERVICE_NAME } from "../kube/raw";
import {
  blockAffinityMeaning,
  ciliumNodeMeaning,
  nodeMeaning,
  nodePortNodeMeaning,
  nplPodMeaning,
  serviceMeaning,
  sliceMeaning,
  sliceService,
} from "./filter";
import type { Log } from "./log";
import { countEvent, type SyncMetrics } from "./metrics";
import type { ServicePlanner } from "./modes";

export interface WatchDeps {
  kube: KubeClient;
  pageSize: number;
  metrics: SyncMetrics;
  log: Log;
  countError(err: unknown): void;
  noteEvent(key: string): void;
  /** The managed Services by "ns/name", and the routes records by name: what the watches serve. */
  services: ReadonlyMap<string, unknown>;
  records: ReadonlyMap<string, unknown>;
  /** The pod-CIDR source each routes record last used ("calico", "cilium", ...). */
  cniSources: ReadonlyMap<string, string>;
  modeOf(serviceKey: string): ServicePlanner;
  /** A node changed: NodePort's shared node list is stale. */
  invalidateNodes(): void;
  stopped(): boolean;
}

export interface WatchSet {
  /** Every watch to what the work now is. */
  update(): void;
  /** The CNI watches only (a routes record's source changed). */
  updateCni(): void;
  stop(): void;
}

/** Stops and forgets the watches whose key is no longer wanted. */
function stopUnwanted<V>(watches: Map<string, V>, wanted: { has(key: string): boolean }, stop: (w: V) => void): void {
  for (const [key, w] of [...watches]) {
    if (wanted.has(key)) continue;
    stop(w);
    watches.delete(key);
  }
}

export function createWatchSet(d: WatchDeps): WatchSet {
  const slices = new Map<string, { selector: string; informer: Informer }>();
  const serviceWatches = new Map<string, Informer>();
  let nodeWatch: Informer | undefined;
  let nodeWatchForNodePort = false;
  const podWatches = new Map<string, Informer>(); // namespace -> pods watch (nodeportlocal Services there)
  const cniWatches = new Map<string, Informer>();

  function watch(
    kind: string,
    spec: Parameters<typeof startInformer>[1],
    onChange: (c: { tag: string; key: string }) => void,
    onSynced?: () => void,
  ): Informer {
    return startInformer(
      d.kube,
      { pageSize: d.pageSize, ...spec },
      {
        onChange: (c) => onChange(c),
        onEvent: (_type, dropped) => countEvent(d.metrics, kind, dropped),
        ...(onSynced ? { onSynced } : {}),
        onError: (err) => {
          d.countError(err);
          d.log(`watch of ${kind}: ${err.message}`);
        },
      },
    );
  }

  const touchRoutes = () => {
    d.invalidateNodes();
    for (const name of d.records.keys()) d.noteEvent(`routes:${name}`);
    for (const k of d.services.keys()) if (d.modeOf(k).dependsOnNodes) d.noteEvent(`svc:${k}`);
  };

  /** Watches follow the work: one slice watch per namespace (selecting exactly the managed Services), etc. */
  function updateWatches(): void {
    if (d.stopped()) return;
    const byNs = new Map<string, string[]>();
    for (const key of d.services.keys()) {
      const [ns, name] = key.split("/") as [string, string];
      byNs.set(ns, [...(byNs.get(ns) ?? []), name]);
    }
    stopUnwanted(slices, byNs, (w) => w.informer.stop());
    stopUnwanted(serviceWatches, byNs, (w) => w.stop());
    for (const [ns, names] of byNs) {
      const selector = `${LABEL_SERVICE_NAME} in (${[...names].sort().join(",")})`;
      const cur = slices.get(ns);
      if (cur?.selector === selector) continue;
      cur?.informer.stop();
      let first = true;
      const informer = watch(
        "endpointslice",
        {
          path: `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`,
          query: { labelSelector: selector },
          perm: { verb: "list", resource: "endpointslices", group: "discovery.k8s.io", namespace: ns },
          meaning: sliceMeaning,
          tag: sliceService,
          // A slice holds up to 100 endpoints: 50 a page keeps a relist of 150,000 pods to a few MB at a time.
          pageSize: Math.min(d.pageSize, 50),
        },
        (c) => {
          if (d.services.has(`${ns}/${c.tag}`)) d.noteEvent(`svc:${ns}/${c.tag}`);
        },
        () => {
          // A replaced watch may have missed events between the old one's end and this list: look again once.
          if (first && cur) for (const n of byNs.get(ns) ?? []) d.noteEvent(`svc:${ns}/${n}`);
          first = false;
        },
      );
      slices.set(ns, { selector, informer });
      if (!serviceWatches.has(ns)) {
        serviceWatches.set(
          ns,
          watch(
            "service",
            {
              path: `/api/v1/namespaces/${encodeURIComponent(ns)}/services`,
              perm: { verb: "list", resource: "services", group: "", namespace: ns },
              meaning: serviceMeaning,
            },
            (c) => {
              if (d.services.has(c.key)) d.noteEvent(`svc:${c.key}`);
            },
          ),
        );
      }
    }
    const forNodePort = [...d.services.keys()].some((k) => d.modeOf(k).dependsOnNodes);
    const wantNodes = d.records.size > 0 || forNodePort;
    if (nodeWatch && (!wantNodes || nodeWatchForNodePort !== forNodePort)) {
      nodeWatch.stop();
      nodeWatch = undefined;
    }
    if (wantNodes && !nodeWatch) {
      // NodePort reads labels, readiness and cordons too; routes only what moves a pod CIDR or next hop.
      nodeWatchForNodePort = forNodePort;
      nodeWatch = watch(
        "node",
        {
          path: "/api/v1/nodes",
          perm: { verb: "list", resource: "nodes", group: "" },
          meaning: forNodePort ? nodePortNodeMeaning : nodeMeaning,
        },
        touchRoutes,
      );
    }
    updatePodWatches();
    updateCniWatches();
  }

  /** NodePortLocal: Antrea's annotation on a pod changes no EndpointSlice, so its namespace's pods are watched. */
  function updatePodWatches(): void {
    if (d.stopped()) return;
    const byNs = new Map<string, string[]>();
    for (const key of d.services.keys()) {
      if (!d.modeOf(key).dependsOnPods) continue;
      const [ns, name] = key.split("/") as [string, string];
      byNs.set(ns, [...(byNs.get(ns) ?? []), name]);
    }
    stopUnwanted(podWatches, byNs, (w) => w.stop());
    for (const ns of byNs.keys()) {
      if (podWatches.has(ns)) continue;
      podWatches.set(
        ns,
        watch(
          "pod",
          {
            path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
            perm: { verb: "list", resource: "pods", group: "", namespace: ns },
            meaning: nplPodMeaning,
          },
          () => {
            for (const key of d.services.keys()) {
              if (key.startsWith(`${ns}/`) && d.modeOf(key).dependsOnPods) d.noteEvent(`svc:${key}`);
            }
          },
        ),
      );
    }
  }

  function updateCniWatches(): void {
    if (d.stopped()) return;
    const wanted = new Set<string>([...d.cniSources.values()].filter((s) => s === "calico" || s === "cilium"));
    stopUnwanted(cniWatches, wanted, (w) => w.stop());
    for (const source of wanted) {
      if (cniWatches.has(source)) continue;
      const spec =
        source === "calico"
          ? {
              path: "/apis/crd.projectcalico.org/v1/blockaffinities",
              perm: { verb: "list" as const, resource: "blockaffinities", group: "crd.projectcalico.org" },
              meaning: blockAffinityMeaning,
            }
          : {
              path: "/apis/cilium.io/v2/ciliumnodes",
              perm: { verb: "list" as const, resource: "ciliumnodes", group: "cilium.io" },
              meaning: ciliumNodeMeaning,
            };
      cniWatches.set(source, watch(source === "calico" ? "blockaffinity" : "ciliumnode", spec, touchRoutes));
    }
  }

  return {
    update: updateWatches,
    updateCni: updateCniWatches,
    stop() {
      for (const w of slices.values()) w.informer.stop();
      for (const w of serviceWatches.values()) w.stop();
      for (const w of cniWatches.values()) w.stop();
      for (const w of podWatches.values()) w.stop();
      nodeWatch?.stop();
    },
  };
}
