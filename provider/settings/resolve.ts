// Resolving the connection from the places a setting can come from, in the caller's order of precedence: the SDK
// passes [resource arguments, stack config, environment], `avi-k8s plan` passes [flags, environment]. One set of
// rules for both: the first place that has a value wins, except that credentials (username + password or token)
// and the Kubernetes source (file, content or in-cluster) are taken as a group from one place, so a password from
// one place is never sent under a username from another.
import * as fs from "node:fs";
import type { AviConnection } from "../avi/session";
import type { KubeConnection } from "../kube/connection";
import type { Mode } from "../plan/types";
import { configKey, SETTING_KEYS, type SettingKey, type SettingValues, spec } from "./schema";

export type SourceKind = "args" | "config" | "env" | "flags";

export interface SettingsSource {
  kind: SourceKind;
  values: SettingValues;
}

export interface SettingProblem {
  /** The setting's key (the resource property), e.g. "controller" or "kubeContext". */
  property: string;
  /** One sentence naming where the value came from and what is wrong; never a secret value. */
  reason: string;
}

type Env = Record<string, string | undefined>;

/** How a setting is named in one place, e.g. `avi-k8s:controller in stack config`. */
export function nameIn(kind: SourceKind, key: SettingKey): string | undefined {
  const s = spec(key);
  switch (kind) {
    case "args":
      return `the ${s.group}.${s.arg} argument`;
    case "config":
      return `${configKey(key)} in stack config`;
    case "env":
      return s.env;
    case "flags":
      return s.flag ? `--${s.flag}` : undefined;
  }
}

/** "the avi.controller argument, avi-k8s:controller in stack config or AVI_CONTROLLER". */
export function whereToSet(key: SettingKey, kinds: readonly SourceKind[]): string {
  const names = kinds.map((k) => nameIn(k, key)).filter((n): n is string => n !== undefined);
  return names.length <= 1 ? (names[0] ?? key) : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** Stack config or environment text to a value: booleans parse, anything else stays text (validated later). */
function parse(key: SettingKey, raw: string | undefined): string | boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (spec(key).type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

export function settingsFromEnv(env: Env = process.env): SettingValues {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const name = spec(k).env;
    const v = name ? parse(k, env[name]) : undefined;
    if (v !== undefined) out[k] = v;
  }
  return out as SettingValues;
}

/** `config.get` is Pulumi's dynamic-provider config (namespaced keys); anything with the same shape works. */
export function settingsFromConfig(config: { get(key: string): string | undefined }): SettingValues {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const v = parse(k, config.get(configKey(k)));
    if (v !== undefined) out[k] = v;
  }
  return out as SettingValues;
}

/** Parsed `node:util` parseArgs values, keyed by flag name. Secrets have no flag (command lines are visible). */
export function settingsFromFlags(values: Record<string, unknown>): SettingValues {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const flag = spec(k).flag;
    const v = flag ? values[flag] : undefined;
    if (v !== undefined && v !== "" && v !== false) out[k] = v;
  }
  return out as SettingValues;
}

/** `node:util` parseArgs options for every setting that has a flag. */
export function settingFlags(): Record<string, { type: "string" | "boolean" }> {
  const out: Record<string, { type: "string" | "boolean" }> = {};
  for (const k of SETTING_KEYS) {
    const s = spec(k);
    if (s.flag) out[s.flag] = { type: s.type };
  }
  return out;
}

/**
 * The problems of the values one place gives, each naming the setting as that place does. `skip` leaves values
 * out that cannot be judged yet (Pulumi's unknowns during preview).
 */
export function validateSettings(
  source: SettingsSource,
  skip: (value: unknown) => boolean = () => false,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const values = source.values as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    const v = values[key];
    if (v === undefined || skip(v)) continue;
    const s = spec(key);
    const label = source.kind === "args" ? key : (nameIn(source.kind, key) ?? key).replace(/ in stack config$/, "");
    let reason: string | undefined;
    if (s.type === "boolean") reason = typeof v === "boolean" ? undefined : `${label} must be true or false.`;
    else if (typeof v !== "string") reason = `${label} must be a string.`;
    else if (v.trim() === "") reason = `${label} must be a non-empty string.`;
    else reason = s.check?.(v, label);
    if (reason) problems.push({ property: key, reason });
  }
  return problems;
}

function first<K extends SettingKey>(sources: readonly SettingsSource[], key: K) {
  for (const s of sources) {
    const v = s.values[key];
    if (v !== undefined && v !== "") return { value: v as NonNullable<SettingValues[K]>, from: s.kind };
  }
  return undefined;
}

/** A CA bundle is given either as PEM text or as the path of a PEM file. */
export function readCaBundle(bundle: string): string {
  return bundle.includes("-----BEGIN") ? bundle : fs.readFileSync(bundle, "utf8");
}

export interface ResolvedAvi {
  connection?: AviConnection;
  /** Field-named reasons the connection is incomplete (no values, so safe to show). */
  problems: SettingProblem[];
  /** Where the controller and tenant came from; "default" for the built-in tenant, "recorded" for `fallback`. */
  origin: { controller?: SourceKind | "recorded"; tenant?: SourceKind | "default" | "recorded" };
}

/**
 * The controller connection. `fallback` holds the values recorded in a resource's state: they apply when no
 * place names a controller or tenant (refresh and destroy of a resource whose settings are no longer configured).
 */
export function resolveAvi(
  sources: readonly SettingsSource[],
  fallback: { controller?: string; tenant?: string } = {},
): ResolvedAvi {
  const kinds = sources.map((s) => s.kind);
  const problems: SettingProblem[] = [];
  const controller = first(sources, "controller");
  const tenant = first(sources, "tenant");
  const origin: ResolvedAvi["origin"] = {
    controller: controller?.from ?? (fallback.controller ? "recorded" : undefined),
    tenant: tenant?.from ?? (fallback.tenant ? "recorded" : "default"),
  };
  const url = controller?.value ?? fallback.controller;
  const credentials = sources.find((s) => s.values.password || s.values.token);
  const username = credentials?.values.username || first(sources, "username")?.value;
  const where = (k: SettingKey) => whereToSet(k, kinds);
  if (!url) problems.push({ property: "controller", reason: `No Avi Controller URL: set ${where("controller")}.` });
  else {
    const bad = spec("controller").check?.(url, "controller");
    if (bad) problems.push({ property: "controller", reason: bad });
  }
  if (!username) problems.push({ property: "username", reason: `No Avi username: set ${where("username")}.` });
  if (!credentials) {
    problems.push({
      property: "password",
      reason: `No Avi password or token: set ${where("password")} (or ${where("token")}).`,
    });
  }
  if (problems.length > 0 || !url || !username || !credentials) return { problems, origin };
  const connection: AviConnection = {
    controller: url,
    username,
    tenant: tenant?.value ?? fallback.tenant ?? "admin",
  };
  if (credentials.values.token) connection.token = credentials.values.token;
  else if (credentials.values.password) connection.password = credentials.values.password;
  const apiVersion = first(sources, "apiVersion")?.value;
  if (apiVersion) connection.apiVersion = apiVersion;
  const bundle = first(sources, "caBundle");
  if (bundle) {
    try {
      connection.caCert = readCaBundle(bundle.value);
    } catch (e) {
      const reason = `Cannot read the CA bundle file ${nameIn(bundle.from, "caBundle")} names: ${(e as Error).message}`;
      return { problems: [{ property: "caBundle", reason }], origin };
    }
  }
  if (first(sources, "insecure")?.value === true) connection.insecure = true;
  return { connection, problems, origin };
}

const KUBE_SOURCE = ["kubeconfigPath", "kubeconfig", "inCluster"] as const;

/** Problems with the Kubernetes settings of one place (several sources given at once). */
export function kubeSourceProblems(source: SettingsSource): SettingProblem[] {
  const v = source.values;
  const given = [v.kubeconfigPath, v.kubeconfig, v.inCluster ? true : undefined].filter((x) => x !== undefined);
  if (given.length <= 1) return [];
  const names = KUBE_SOURCE.map((k) => nameIn(source.kind, k)).filter((n) => n !== undefined);
  return [{ property: "kubeconfig", reason: `Give one of ${names.join(", ")}, not several.` }];
}

export interface ResolvedKube {
  connection: KubeConnection;
  /** Where the kubeconfig came from; undefined when the client's own defaults apply. */
  origin?: SourceKind;
}

/** The first place that names a kubeconfig (file, content or in-cluster) gives it; else the client's defaults. */
export function resolveKube(sources: readonly SettingsSource[]): ResolvedKube {
  const from = sources.find((s) => KUBE_SOURCE.some((k) => s.values[k] !== undefined && s.values[k] !== false));
  const conn: KubeConnection = {};
  if (from?.values.kubeconfigPath) conn.kubeconfigPath = from.values.kubeconfigPath;
  if (from?.values.kubeconfig) conn.kubeconfigContent = from.values.kubeconfig;
  if (from?.values.inCluster) conn.inCluster = true;
  const context = first(sources, "kubeContext")?.value;
  if (context) conn.context = context;
  return from ? { connection: conn, origin: from.kind } : { connection: conn };
}

export interface ResolvedMode {
  mode: Mode;
  /** The node selector as given (mode nodeport); undefined: every node. */
  nodeSelector?: string;
  /** Where the mode came from; undefined for the default (clusterip). */
  origin?: SourceKind;
}

/** The cluster's mode and node selector: the first place that names each wins; default clusterip, every node. */
export function resolveMode(sources: readonly SettingsSource[]): ResolvedMode {
  const mode = first(sources, "mode");
  const selector = first(sources, "nodeSelector");
  return {
    mode: (mode?.value as Mode | undefined) ?? "clusterip",
    ...(selector ? { nodeSelector: selector.value } : {}),
    ...(mode ? { origin: mode.from } : {}),
  };
}
