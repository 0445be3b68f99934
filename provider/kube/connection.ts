// Loading a kubeconfig and turning it into request options. @kubernetes/client-node is required inside the
// functions, never at the top of a module and never kept in a closure: the SDK's providers are serialized by
// Pulumi, and a captured copy of the library costs 269 KB per resource (shared/research/k8s.md §2.2).
import * as fs from "node:fs";
import type * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { whereToSet } from "../settings/resolve";
import { KubeReadError } from "./errors";

/** Where the kubeconfig comes from. With none of these, the default rules apply: $KUBECONFIG, then ~/.kube/config. */
export interface KubeConnection {
  kubeconfigPath?: string;
  kubeconfigContent?: string;
  /** A context of the kubeconfig; its current context when omitted. */
  context?: string;
  /** The pod's service account (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA). */
  inCluster?: boolean;
}

type ClientNode = typeof import("@kubernetes/client-node");
type KubeConfig = InstanceType<ClientNode["KubeConfig"]>;

function loadClientNode(): ClientNode {
  return require("@kubernetes/client-node") as ClientNode;
}

/** Every way a user names the kubeconfig: the CLI flag, the resource argument, stack config, and KUBECONFIG. */
function kubeconfigFix(): string {
  return `point KUBECONFIG at your cluster's kubeconfig, or name the file with ${whereToSet("kubeconfigPath", ["flags", "args", "config"])}`;
}

/**
 * What the library's default rules would load, checked first: with no KUBECONFIG, no ~/.kube/config and no pod
 * around it, client-node falls back to http://localhost:8080, and the user would read "connection refused" on a
 * port they never chose instead of "no kubeconfig".
 */
function defaultKubeconfigProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const listed = (env.KUBECONFIG ?? "").split(path.delimiter).filter((p) => p !== "");
  if (listed.length > 0) {
    const missing = listed.filter((p) => !fs.existsSync(p));
    if (missing.length === listed.length) {
      return `KUBECONFIG names ${missing.join(", ")}, which does not exist; ${kubeconfigFix()}.`;
    }
    return undefined;
  }
  const home = path.join(os.homedir(), ".kube", "config");
  if (fs.existsSync(home) || env.KUBERNETES_SERVICE_HOST) return undefined;
  return `No kubeconfig: KUBECONFIG is not set and ${home} does not exist; ${kubeconfigFix()} (in a pod: ${whereToSet("inCluster", ["flags", "args"])}).`;
}

function loadConfig(conn: KubeConnection): KubeConfig {
  const k8s = loadClientNode();
  const kc = new k8s.KubeConfig();
  const what = conn.kubeconfigPath
    ? `kubeconfig file ${conn.kubeconfigPath}`
    : conn.kubeconfigContent !== undefined
      ? "the inline kubeconfig"
      : conn.inCluster
        ? "the in-cluster service account"
        : "the default kubeconfig ($KUBECONFIG or ~/.kube/config)";
  if (conn.kubeconfigPath && !fs.existsSync(conn.kubeconfigPath)) {
    throw new KubeReadError(
      "invalid",
      `The kubeconfig file ${conn.kubeconfigPath} does not exist; ${kubeconfigFix()}.`,
    );
  }
  if (!conn.kubeconfigPath && conn.kubeconfigContent === undefined && !conn.inCluster) {
    const problem = defaultKubeconfigProblem();
    if (problem) throw new KubeReadError("invalid", problem);
  }
  try {
    if (conn.kubeconfigContent !== undefined) kc.loadFromString(conn.kubeconfigContent);
    else if (conn.kubeconfigPath) kc.loadFromFile(conn.kubeconfigPath);
    else if (conn.inCluster) {
      if (!process.env.KUBERNETES_SERVICE_HOST) {
        throw new Error("KUBERNETES_SERVICE_HOST is not set, so this process is not running in a pod");
      }
      kc.loadFromCluster();
    } else kc.loadFromDefault();
  } catch (err) {
    throw new KubeReadError("invalid", `Could not load ${what}: ${err instanceof Error ? err.message : String(err)}.`);
  }
  if (conn.context) {
    if (!kc.getContextObject(conn.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeReadError(
        "invalid",
        `Context '${conn.context}' is not in ${what} (it has: ${known.length ? known.join(", ") : "none"}).`,
      );
    }
    kc.setCurrentContext(conn.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeReadError("invalid", `${what} has no current context with a cluster; pass a context.`);
  }
  return kc;
}

/**
 * The API server a connection leads to (the URL of the kubeconfig's current cluster, or the in-cluster service),
 * found without contacting it: the SDK records it in the state to notice a kubeconfig that now points elsewhere.
 */
export function kubeServerOf(conn: KubeConnection): string {
  return (loadConfig(conn).getCurrentCluster()?.server ?? "").replace(/\/+$/, "");
}

export interface ResolvedConnection {
  /** The API server URL, e.g. https://127.0.0.1:6443 (a path prefix is kept, as behind Rancher's proxy). */
  server: string;
  /** Request options carrying the agent (CA, client certificate, proxy) and the Authorization header. */
  options: http.RequestOptions;
}

/**
 * Resolves auth and TLS with the library's KubeConfig (tokens, client certificates, exec plugins, OIDC), then
 * lets plain node:http(s) do the requests: fewer layers, raw JSON, and full control of paging.
 */
export async function resolveConnection(conn: KubeConnection): Promise<ResolvedConnection> {
  const kc = loadConfig(conn);
  const cluster = kc.getCurrentCluster();
  const server = (cluster?.server ?? "").replace(/\/+$/, "");
  const options: http.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(options);
  } catch (err) {
    // The library refuses plain HTTP unless skipTLSVerify is set, but `kubectl proxy` serves exactly that on
    // 127.0.0.1:8001; the headers are applied before that check, so an http:// server goes on without an agent.
    if (!server.startsWith("http:")) {
      throw new KubeReadError(
        "invalid",
        `Could not apply the kubeconfig's credentials for ${server}: ${err instanceof Error ? err.message : String(err)}.`,
      );
    }
    options.agent = undefined;
  }
  // The library's agent opens a new TLS connection per request; a paged list of 5,000 nodes or 20,000 Calico
  // blocks is tens of requests, so reuse one. Only a plain https.Agent is rebuilt (same TLS options): proxy agents
  // are left as the library made them. KubeClient.close() destroys the agent and its idle sockets.
  const agent = options.agent;
  if (agent instanceof https.Agent && agent.constructor === https.Agent) {
    const tlsOptions = (agent as https.Agent & { options: https.AgentOptions }).options;
    if (!tlsOptions.keepAlive) options.agent = new https.Agent({ ...tlsOptions, keepAlive: true });
  }
  return { server, options };
}
