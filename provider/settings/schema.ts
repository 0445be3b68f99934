// The one declaration of every connection setting: its resource argument, stack config key, environment variable,
// command-line flag, secrecy, validation and description. The SDK's argument types and properties, check()'s
// validation, `avi-k8s plan`'s flags, the resolvers and the README table are all derived from this list, so a new
// setting is one entry here. No Pulumi imports: cli/ and sdk/ (and the coming `avi-k8s sync`) share it.

export const CONFIG_NAMESPACE = "avi-k8s";

export interface SettingSpec {
  /** Which resource argument object holds it: `avi: {...}` or `kubernetes: {...}`. */
  readonly group: "avi" | "kubernetes";
  /** Its name inside that object (the provider property and the stack config key are the setting's own key). */
  readonly arg: string;
  readonly type: "string" | "boolean";
  /** Stored as a Pulumi secret when given as an argument; never taken from a command-line flag. */
  readonly secret: boolean;
  /** The environment variable, when the setting has one (the names the Avi Terraform provider and Ansible use). */
  readonly env?: string;
  /** `avi-k8s plan`'s flag, without the dashes. */
  readonly flag?: string;
  /** One line for the README table and `--help`. */
  readonly description: string;
  /** Extra validation of a present value; returns the problem (without echoing the value when secret). */
  readonly check?: (value: string, label: string) => string | undefined;
}

import { validateMode, validateNodeSelector } from "../plan/validate";

const httpUrl = (v: string, label: string) =>
  /^https?:\/\/[^/\s]+/.test(v) ? undefined : `${label} '${v}' is not an https:// (or, for a lab, http://) URL.`;

export const SETTINGS = {
  controller: {
    group: "avi",
    arg: "controller",
    type: "string",
    secret: false,
    env: "AVI_CONTROLLER",
    flag: "avi-controller",
    description: "`https://host[:port]` of the Avi Controller (the leader or the cluster VIP)",
    check: httpUrl,
  },
  username: {
    group: "avi",
    arg: "username",
    type: "string",
    secret: false,
    env: "AVI_USERNAME",
    flag: "avi-username",
    description: "controller user; taken as a pair with the password or token, from one place",
  },
  password: {
    group: "avi",
    arg: "password",
    type: "string",
    secret: true,
    env: "AVI_PASSWORD",
    description: "the user's password",
  },
  token: {
    group: "avi",
    arg: "token",
    type: "string",
    secret: true,
    env: "AVI_AUTH_TOKEN",
    description: "an API token instead of the password",
  },
  tenant: {
    group: "avi",
    arg: "tenant",
    type: "string",
    secret: false,
    env: "AVI_TENANT",
    flag: "avi-tenant",
    description: "tenant of every object; default `admin`; recorded in the state at create",
  },
  apiVersion: {
    group: "avi",
    arg: "apiVersion",
    type: "string",
    secret: false,
    env: "AVI_VERSION",
    flag: "avi-version",
    description: "`X-Avi-Version`; default `22.1.3`; `auto` asks the controller",
  },
  caBundle: {
    group: "avi",
    arg: "caBundle",
    type: "string",
    secret: false,
    env: "AVI_CA_BUNDLE",
    flag: "avi-ca-bundle",
    description: "the CA that signed the controller's certificate: PEM text or a file path",
  },
  insecure: {
    group: "avi",
    arg: "insecure",
    type: "boolean",
    secret: false,
    env: "AVI_INSECURE",
    flag: "avi-insecure",
    description: "`true` skips TLS verification of the controller (labs only)",
  },
  kubeconfigPath: {
    group: "kubernetes",
    arg: "kubeconfigPath",
    type: "string",
    secret: false,
    flag: "kubeconfig",
    description: "kubeconfig file; default the client's own rules (`KUBECONFIG`, `~/.kube/config`)",
  },
  kubeconfig: {
    group: "kubernetes",
    arg: "kubeconfig",
    type: "string",
    secret: true,
    description: "kubeconfig content (YAML) instead of a file",
  },
  kubeContext: {
    group: "kubernetes",
    arg: "context",
    type: "string",
    secret: false,
    flag: "context",
    description: "kubeconfig context; default its current context",
  },
  inCluster: {
    group: "kubernetes",
    arg: "inCluster",
    type: "boolean",
    secret: false,
    flag: "in-cluster",
    description: "`true` uses the pod's service account instead of a kubeconfig",
  },
  mode: {
    group: "kubernetes",
    arg: "mode",
    type: "string",
    secret: false,
    env: "AVI_K8S_MODE",
    flag: "mode",
    description:
      "how the Service Engines reach the pods: `clusterip` (default; pod IPs through static routes), `nodeport` (node address : nodePort) or `nodeportlocal` (node address : Antrea's per-pod port)",
    check: (v, label) => validateMode(v, label),
  },
  nodeSelector: {
    group: "kubernetes",
    arg: "nodeSelector",
    type: "string",
    secret: false,
    env: "AVI_K8S_NODE_SELECTOR",
    flag: "node-selector",
    description:
      "mode `nodeport`: the nodes that get servers, as a label selector (`key=value`, `key in (a,b)`, `!key`); default all",
    check: (v, label) => validateNodeSelector(v, label),
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export type SettingType<K extends SettingKey> = (typeof SETTINGS)[K]["type"] extends "boolean" ? boolean : string;
/** Setting values from one place (arguments, stack config, environment or flags), by setting key. */
export type SettingValues = { [K in SettingKey]?: SettingType<K> };

export function spec(key: SettingKey): SettingSpec {
  return SETTINGS[key];
}

export const SECRET_SETTINGS = SETTING_KEYS.filter((k) => spec(k).secret);
export const AVI_SETTINGS = SETTING_KEYS.filter((k) => spec(k).group === "avi");
export const KUBE_SETTINGS = SETTING_KEYS.filter((k) => spec(k).group === "kubernetes");

/** The stack config key, e.g. `avi-k8s:controller`. */
export function configKey(key: SettingKey): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}
