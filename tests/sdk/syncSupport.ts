// Shared by the AviK8sSync tests: the component rendered under Pulumi mocks (auto-named objects get a name, as the
// Kubernetes provider would give them), and its container's args and environment read by `avi-k8s sync`'s own
// parser, as the pod would run them.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseSyncArgs } from "../../cli/sync";
import { type RegisteredResource, runProgram, stripSecrets } from "../../emulator/engine";
import type { SyncOptions } from "../../provider/sync";
import { AviK8sSync, type AviK8sSyncArgs } from "../../sdk/syncDeployment";

export const PASSWORD = "s3cret-pw-42";
export const IMAGE = "registry.example.com/avi-k8s-sync:0.1.0";
export const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ0E=\n-----END CERTIFICATE-----\n";
export const T = {
  namespace: "kubernetes:core/v1:Namespace",
  account: "kubernetes:core/v1:ServiceAccount",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  clusterBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  deployment: "kubernetes:apps/v1:Deployment",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
};

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form JSON
export type Obj = any;

/** The state the Kubernetes provider would answer: objects without a name get an auto-name with a suffix. */
function autonamed(r: RegisteredResource): Record<string, unknown> {
  const inputs = r.inputs as Obj;
  if (!r.type.startsWith("kubernetes:") || inputs.metadata?.name) return inputs;
  return { ...inputs, metadata: { ...inputs.metadata, name: `${r.name}-7f3c9a1b` } };
}

export const BASE: AviK8sSyncArgs = {
  cluster: "demo",
  image: IMAGE,
  avi: { controller: "https://avi.example.com", username: "k8s-sync", password: pulumi.secret(PASSWORD) },
};

export async function render(args: Partial<AviK8sSyncArgs> = {}, name = "avi-k8s-sync") {
  let component: AviK8sSync | undefined;
  const run = await runProgram(
    () => {
      component = new AviK8sSync(name, { ...BASE, ...args });
    },
    { stateFor: autonamed },
  );
  const all = (type: string) => run.resources.filter((r) => r.type === type);
  const one = (type: string): Obj => {
    const found = all(type);
    assert.equal(found.length, 1, `one ${type}`);
    return stripSecrets((found[0] as RegisteredResource).state);
  };
  return { run, all, one, component: component as AviK8sSync };
}

export const podOf = (deployment: Obj) => deployment.spec.template.spec;
export const containerOf = (deployment: Obj) => podOf(deployment).containers[0];

export const POD_NAME = "avi-k8s-sync-5d9c7b-x2x7q";

/**
 * The container's environment as the kubelet gives it: plain values, the downward API (pod name and namespace)
 * and the keys of the rendered Secret it refers to.
 */
export function podEnv(deployment: Obj, secret: Obj | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const e of containerOf(deployment).env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === "metadata.name") env[e.name] = POD_NAME;
    if (field === "metadata.namespace") env[e.name] = deployment.metadata.namespace;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      assert.equal(ref.name, secret?.metadata.name, `${e.name} comes from the rendered Secret`);
      env[e.name] = secret?.stringData?.[ref.key];
    }
  }
  return env;
}

/**
 * The container's args and environment read by `avi-k8s sync`'s own parser (cli/sync.ts), as the pod runs them.
 * `files`: what the pod's mounts hold at a path (e.g. the CA bundle); they are written to a temporary directory
 * and the args pointing at them follow, since this machine has no /etc/avi-k8s.
 */
export function parseRendered(
  deployment: Obj,
  secret: Obj | undefined,
  files: Record<string, string> = {},
): SyncOptions {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sync-pod-"));
  const args = (containerOf(deployment).args as string[]).map((a) => {
    if (files[a] === undefined) return a;
    const local = path.join(dir, a.replace(/\//g, "_"));
    fs.writeFileSync(local, files[a] as string);
    return local;
  });
  const parsed = parseSyncArgs(args, podEnv(deployment, secret));
  assert.equal(parsed.kind, "args", parsed.kind === "error" ? parsed.message : parsed.kind);
  return (parsed as { options: SyncOptions }).options;
}

/** The files a ConfigMap volume mounted in the container puts where: mount path/item path -> the data's value. */
export function configMapFiles(deployment: Obj, configMap: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  const volume = podOf(deployment).volumes.find((v: Obj) => v.configMap?.name === configMap.metadata.name);
  const mount = containerOf(deployment).volumeMounts.find((m: Obj) => m.name === volume?.name);
  for (const item of volume?.configMap.items ?? []) {
    out[`${mount.mountPath}/${item.path}`] = configMap.data[item.key];
  }
  return out;
}
