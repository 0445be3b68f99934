// Server-side printing: the meta.k8s.io/v1 Table a real API server returns for
// `Accept: application/json;as=Table;g=meta.k8s.io`, which is what `kubectl get` and `-o wide` print.
// Columns follow the built-in printers (priority 1 = -o wide only); custom resources print their CRD's
// additionalPrinterColumns, and Age (a CRD's default column) last.
import type { Json, KubeObject, ResourceType } from "./types";

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}
interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): (string | number)[];
}

/** apimachinery's HumanDuration, as kubectl shows ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function age(obj: KubeObject, now: number): string {
  const ts = obj.metadata.creationTimestamp;
  return ts ? humanDuration(now - Date.parse(ts)) : "<unknown>";
}

const col = (name: string, priority = 0, type = "string", format = ""): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});
const NAME: Column = { ...col("Name", 0, "string", "name"), description: "Name must be unique within a namespace." };
const AGE: Column = {
  ...col("Age"),
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
};

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return pod.status?.reason === "NodeLost" ? "Unknown" : "Terminating";
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? "Unknown";
  for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated) {
      const t = cs.state.terminated;
      reason = t.reason ?? (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`);
    }
  }
  return reason;
}

function joinTruncated(values: string[], empty: string): string {
  if (values.length === 0) return empty;
  const head = values.slice(0, 3).join(",");
  return values.length > 3 ? `${head} + ${values.length - 3} more...` : head;
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col("Ready"),
      col("Status"),
      col("Restarts", 0, "string"),
      AGE,
      col("IP", 1),
      col("Node", 1),
      col("Nominated Node", 1),
      col("Readiness Gates", 1),
    ],
    cells(p, now) {
      const cs: Json[] = p.status?.containerStatuses ?? [];
      const ready = cs.filter((c) => c.ready).length;
      const restarts = cs.reduce((a, c) => a + (c.restartCount ?? 0), 0);
      const gates: Json[] = p.spec?.readinessGates ?? [];
      const conds: Json[] = p.status?.conditions ?? [];
      const gatesCell = gates.length
        ? `${gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`
        : "<none>";
      return [
        p.metadata.name,
        `${ready}/${(p.spec?.containers ?? []).length}`,
        podStatus(p),
        String(restarts),
        age(p, now),
        p.status?.podIP ?? "<none>",
        p.spec?.nodeName ?? "<none>",
        p.status?.nominatedNodeName ?? "<none>",
        gatesCell,
      ];
    },
  },
  nodes: {
    columns: [
      NAME,
      col("Status"),
      col("Roles"),
      AGE,
      col("Version"),
      col("Internal-IP", 1),
      col("External-IP", 1),
      col("OS-Image", 1),
      col("Kernel-Version", 1),
      col("Container-Runtime", 1),
    ],
    cells(n, now) {
      const ready = (n.status?.conditions ?? []).find((c: Json) => c.type === "Ready");
      let status = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
      if (n.spec?.unschedulable) status += ",SchedulingDisabled";
      const roles = new Set<string>();
      for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
        if (k.startsWith("node-role.kubernetes.io/")) roles.add(k.slice("node-role.kubernetes.io/".length));
        else if (k === "kubernetes.io/role" && v) roles.add(v);
      }
      const addr = (t: string) => (n.status?.addresses ?? []).find((a: Json) => a.type === t)?.address ?? "<none>";
      const info = n.status?.nodeInfo ?? {};
      return [
        n.metadata.name,
        status,
        roles.size ? [...roles].sort().join(",") : "<none>",
        age(n, now),
        info.kubeletVersion ?? "",
        addr("InternalIP"),
        addr("ExternalIP"),
        info.osImage ?? "<unknown>",
        info.kernelVersion ?? "<unknown>",
        info.containerRuntimeVersion ?? "<unknown>",
      ];
    },
  },
  services: {
    columns: [NAME, col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"), AGE, col("Selector", 1)],
    cells(s, now) {
      const spec = s.spec ?? {};
      const type = spec.type ?? "ClusterIP";
      const lb = (s.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.ip ?? i.hostname).filter(Boolean);
      const eips: string[] = spec.externalIPs ?? [];
      let ext: string;
      if (type === "ExternalName") ext = spec.externalName ?? "<none>";
      else if (type === "LoadBalancer") ext = [...lb, ...eips].join(",") || "<pending>";
      else ext = eips.join(",") || "<none>";
      const ports =
        (spec.ports ?? [])
          .map((p: Json) =>
            p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`,
          )
          .join(",") || "<none>";
      const sel =
        Object.entries((spec.selector ?? {}) as Record<string, string>)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(",") || "<none>";
      return [s.metadata.name, type, spec.clusterIP ?? "<none>", ext, ports, age(s, now), sel];
    },
  },
  endpointslices: {
    columns: [NAME, col("AddressType"), col("Ports"), col("Endpoints"), AGE],
    cells(es, now) {
      const ports = es.ports?.length
        ? es.ports.map((p: Json) => (p.port == null ? "<unset>" : String(p.port))).join(",")
        : "<unset>";
      const addrs: string[] = (es.endpoints ?? []).flatMap((e: Json) => e.addresses ?? []);
      return [es.metadata.name, es.addressType, ports, joinTruncated(addrs, "<unset>"), age(es, now)];
    },
  },
  endpoints: {
    columns: [NAME, col("Endpoints"), AGE],
    cells(ep, now) {
      const list: string[] = [];
      for (const ss of ep.subsets ?? []) {
        for (const a of ss.addresses ?? []) {
          if (ss.ports?.length) for (const p of ss.ports) list.push(`${a.ip}:${p.port}`);
          else list.push(a.ip);
        }
      }
      return [ep.metadata.name, joinTruncated(list, "<none>"), age(ep, now)];
    },
  },
  namespaces: {
    columns: [NAME, col("Status"), AGE],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? "Active", age(ns, now)],
  },
  leases: {
    columns: [
      NAME,
      { ...col("Holder"), description: "holderIdentity contains the identity of the holder of a current lease." },
      AGE,
    ],
    cells: (l, now) => [l.metadata.name, l.spec?.holderIdentity ?? "", age(l, now)],
  },
  // Events print from the core/v1 form (the storage of both event APIs), as printEvent does with Wide set.
  events: {
    columns: [
      col("Last Seen"),
      col("Type"),
      col("Reason"),
      col("Object"),
      col("Subobject", 1),
      col("Source", 1),
      col("Message"),
      col("First Seen", 1),
      col("Count", 1),
      { ...NAME, priority: 1 },
    ],
    cells(e, now) {
      const since = (ts: string | null | undefined) => (ts ? humanDuration(now - Date.parse(ts)) : "<unknown>");
      const first = e.firstTimestamp ? since(e.firstTimestamp) : since(e.eventTime);
      let last = e.lastTimestamp ? since(e.lastTimestamp) : first;
      let count: number = e.count ?? 0;
      if (e.series) {
        last = since(e.series.lastObservedTime);
        count = e.series.count;
      } else if (count === 0) count = 1;
      const io = e.involvedObject ?? {};
      const target = io.name
        ? `${String(io.kind ?? "").toLowerCase()}/${io.name}`
        : String(io.kind ?? "").toLowerCase();
      const component = e.source?.component || e.reportingComponent || "";
      const instance = e.source?.host || e.reportingInstance || "";
      return [
        last,
        e.type ?? "",
        e.reason ?? "",
        target,
        io.fieldPath ?? "",
        instance ? `${component}, ${instance}` : component,
        String(e.message ?? "").trim(),
        first,
        count,
        e.metadata.name,
      ];
    },
  },
};

/** Evaluates the small JSONPath subset CRD columns use here: a.b[type="X"].c */
function columnValue(obj: KubeObject, path: string): string {
  let cur: Json = obj;
  for (const part of path.split(/\.(?![^[]*\])/)) {
    const m = part.match(/^([^[]+)(?:\[(\w+)="([^"]*)"\])?$/);
    if (!m || cur == null) return "";
    cur = cur[m[1]];
    if (m[2] && Array.isArray(cur)) cur = cur.find((x: Json) => x?.[m[2]] === m[3]);
  }
  return cur == null ? "" : String(cur);
}

function printerFor(rt: ResourceType): Printer {
  const builtIn = PRINTERS[rt.resource];
  if (builtIn) return builtIn;
  const extra = rt.crdColumns ?? [];
  return {
    columns: [NAME, ...extra.map((c) => col(c.name)), { ...AGE, type: "date" }],
    cells: (o, now) => [o.metadata.name, ...extra.map((c) => columnValue(o, c.jsonPath)), age(o, now)],
  };
}

export type IncludeObject = "None" | "Metadata" | "Object";

export function toTable(
  rt: ResourceType,
  objs: readonly KubeObject[],
  listMeta: Json,
  includeObject: IncludeObject,
  withColumns = true,
): Json {
  const pr = printerFor(rt);
  const now = Date.now();
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: withColumns ? pr.columns : null,
    rows: objs.map((o) => {
      const row: Json = { cells: pr.cells(o, now) };
      if (includeObject === "Object") row.object = rt.view ? rt.view.fromStored(o) : o;
      else if (includeObject === "Metadata") {
        row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
      }
      return row;
    }),
  };
}
