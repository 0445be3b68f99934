// Where the connection to the controller and to Kubernetes comes from: the resource's args first, then the stack
// config (`avi-k8s:*`, handed to the provider's configure hook), then the environment the Terraform provider and
// Ansible use (AVI_CONTROLLER, AVI_USERNAME, AVI_PASSWORD, AVI_TENANT, AVI_VERSION). Only args reach the state;
// values from config and environment are looked up again on every call and never stored or logged.
import { AVI_ENVIRONMENT, type AviConnection, readCaBundle } from "../../provider/avi";
import type { KubeConnection } from "../../provider/kube";
import type { ConnectionProps } from "./props";

export const CONFIG_NAMESPACE = "avi-k8s";
export const SETTING_KEYS = [
  "controller",
  "username",
  "password",
  "token",
  "tenant",
  "apiVersion",
  "caBundle",
  "insecure",
  "kubeconfigPath",
  "kubeconfig",
  "kubeContext",
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
/** Stack config values the provider was configured with (only the keys above). */
export type Settings = Partial<Record<SettingKey, string>>;

export const ENV: Partial<Record<SettingKey, string>> = AVI_ENVIRONMENT;

export function settingsFromConfig(config: { get(key: string): string | undefined }): Settings {
  const out: Settings = {};
  for (const k of SETTING_KEYS) {
    const v = config.get(`${CONFIG_NAMESPACE}:${k}`);
    if (typeof v === "string" && v !== "") out[k] = v;
  }
  return out;
}

type Env = Record<string, string | undefined>;

/** One setting: arg, then stack config, then environment. */
function lookup(key: SettingKey, arg: string | undefined, settings: Settings, env: Env): string | undefined {
  if (arg !== undefined && arg !== "") return arg;
  if (settings[key]) return settings[key];
  const name = ENV[key];
  const v = name ? env[name] : undefined;
  return v === "" ? undefined : v;
}

export function resolveTenant(arg: string | undefined, settings: Settings, env: Env = process.env): string {
  return lookup("tenant", arg, settings, env) ?? "admin";
}

function pem(bundle: string | undefined): string | undefined {
  if (bundle === undefined) return undefined;
  return readCaBundle(bundle);
}

export interface ResolvedAvi {
  connection?: AviConnection;
  /** Field-named reasons the connection is incomplete (no values, so safe to show). */
  problems: { property: string; reason: string }[];
}

/**
 * The credentials come as a pair from one place: a password in the args is never combined with a username from
 * the environment, which would send one account's secret under another's name.
 */
export function resolveAvi(
  props: ConnectionProps & { tenant?: string },
  settings: Settings,
  env: Env = process.env,
): ResolvedAvi {
  const problems: ResolvedAvi["problems"] = [];
  const controller = lookup("controller", props.controller, settings, env);
  const fromArgs = props.password !== undefined || props.token !== undefined;
  const fromConfig = !fromArgs && (settings.password !== undefined || settings.token !== undefined);
  const source: Env = fromArgs
    ? { u: props.username, p: props.password, t: props.token }
    : fromConfig
      ? { u: settings.username, p: settings.password, t: settings.token }
      : { u: env.AVI_USERNAME, p: env.AVI_PASSWORD, t: env.AVI_AUTH_TOKEN };
  const username = source.u || lookup("username", props.username, settings, env);
  const where = (k: SettingKey) => `the ${k} arg, ${CONFIG_NAMESPACE}:${k} in stack config or ${ENV[k]}`;
  if (!controller)
    problems.push({ property: "controller", reason: `No Avi Controller URL: set ${where("controller")}.` });
  else if (!/^https?:\/\/[^/\s]+/.test(controller)) {
    problems.push({
      property: "controller",
      reason: `controller '${controller}' is not an https:// (or, for a lab, http://) URL.`,
    });
  }
  if (!username) problems.push({ property: "username", reason: `No Avi username: set ${where("username")}.` });
  if (!source.p && !source.t) {
    problems.push({ property: "password", reason: `No Avi password or token: set ${where("password")} (or a token).` });
  }
  if (problems.length > 0 || !controller || !username) return { problems };
  let caCert: string | undefined;
  try {
    caCert = pem(lookup("caBundle", props.caBundle, settings, env));
  } catch (e) {
    problems.push({ property: "caBundle", reason: `Cannot read the CA bundle file: ${(e as Error).message}` });
    return { problems };
  }
  const insecure = props.insecure ?? settings.insecure === "true";
  const connection: AviConnection = {
    controller,
    username,
    tenant: props.tenant ?? resolveTenant(undefined, settings, env),
  };
  if (source.p) connection.password = source.p;
  if (source.t) connection.token = source.t;
  const apiVersion = lookup("apiVersion", props.apiVersion, settings, env);
  if (apiVersion) connection.apiVersion = apiVersion;
  if (caCert) connection.caCert = caCert;
  if (insecure) connection.insecure = true;
  return { connection, problems };
}

/** Args, else stack config, else the client's own defaults (KUBECONFIG, ~/.kube/config, in-cluster). */
export function resolveKube(props: ConnectionProps, settings: Settings): KubeConnection {
  const fromArgs =
    props.kubeconfigPath !== undefined || props.kubeconfig !== undefined || props.inCluster !== undefined;
  const conn: KubeConnection = {};
  const path = fromArgs ? props.kubeconfigPath : settings.kubeconfigPath;
  const content = fromArgs ? props.kubeconfig : settings.kubeconfig;
  const context = props.kubeContext ?? settings.kubeContext;
  if (path) conn.kubeconfigPath = path;
  if (content) conn.kubeconfigContent = content;
  if (context) conn.context = context;
  if (fromArgs && props.inCluster) conn.inCluster = true;
  return conn;
}

/** Problems with the Kubernetes args themselves (not with reaching the cluster). */
export function kubeProblems(props: ConnectionProps): { property: string; reason: string }[] {
  const n = [props.kubeconfigPath, props.kubeconfig, props.inCluster ? "in-cluster" : undefined].filter(
    (x) => x !== undefined,
  ).length;
  return n > 1
    ? [
        {
          property: "kubeconfig",
          reason: "Give one of kubeconfigPath, kubeconfig (content) or inCluster, not several.",
        },
      ]
    : [];
}
