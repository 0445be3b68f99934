// Shared by the AviK8sSync tests: the component rendered under Pulumi mocks (auto-named objects get a name, as the
// Kubernetes provider would give them), and its container args parsed with `avi-k8s sync`'s command-line options.
import * as assert from "node:assert/strict";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { type RegisteredResource, runProgram, stripSecrets } from "../../emulator/engine";
import { settingFlags } from "../../provider/settings";
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

/** The container's args parsed with `avi-k8s sync`'s options (the CLI contract; controller flags from the schema). */
export function parseSyncArgs(args: string[]): Record<string, string | boolean | undefined> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      cluster: { type: "string" },
      resync: { type: "string" },
      "lease-namespace": { type: "string" },
      "lease-name": { type: "string" },
      identity: { type: "string" },
      listen: { type: "string" },
      "no-leader-elect": { type: "boolean" },
      ...settingFlags(),
    },
  });
  return { ...values } as Record<string, string | boolean | undefined>;
}
