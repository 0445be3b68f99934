// Flattens the connection args into the resource's properties; secrets are wrapped so the engine stores them
// (and the same-named outputs) encrypted.
import * as pulumi from "@pulumi/pulumi";
import type { AviConnectionArgs, KubeConnectionArgs } from "./types";

export const SECRET_OUTPUTS = ["password", "token", "kubeconfig"];

function secret<T>(v: pulumi.Input<T> | undefined): pulumi.Output<pulumi.Unwrap<T>> | undefined {
  return v === undefined ? undefined : pulumi.secret(v);
}

export function connectionProps(avi: AviConnectionArgs = {}, kube: KubeConnectionArgs = {}): pulumi.Inputs {
  return {
    controller: avi.controller,
    username: avi.username,
    password: secret(avi.password),
    token: secret(avi.token),
    tenant: avi.tenant,
    apiVersion: avi.apiVersion,
    caBundle: avi.caBundle,
    insecure: avi.insecure,
    kubeconfigPath: kube.kubeconfigPath,
    kubeconfig: secret(kube.kubeconfig),
    kubeContext: kube.context,
    inCluster: kube.inCluster,
  };
}

export function withSecretOutputs<T extends pulumi.CustomResourceOptions>(opts: T | undefined): T {
  const extra = opts?.additionalSecretOutputs ?? [];
  return { ...(opts ?? ({} as T)), additionalSecretOutputs: [...SECRET_OUTPUTS, ...extra] };
}
