// Flattens the connection args into the resource's properties, as provider/settings declares them; secrets are
// wrapped so the engine stores the inputs encrypted. The outputs hold no secret (props.ts).
import * as pulumi from "@pulumi/pulumi";
import { SECRET_SETTINGS, SETTING_KEYS, spec } from "../provider/settings";
import type { AviConnectionArgs, KubeConnectionArgs } from "./types";

export const SECRET_OUTPUTS: string[] = [...SECRET_SETTINGS];

export function connectionProps(avi: AviConnectionArgs = {}, kube: KubeConnectionArgs = {}): pulumi.Inputs {
  const out: pulumi.Inputs = {};
  for (const key of SETTING_KEYS) {
    const s = spec(key);
    const v = ((s.group === "avi" ? avi : kube) as Record<string, pulumi.Input<unknown> | undefined>)[s.arg];
    out[key] = v === undefined ? undefined : s.secret ? pulumi.secret(v) : v;
  }
  return out;
}

/** Marks the secret keys secret in the outputs too, should a provider stored by an older version return them. */
export function withSecretOutputs<T extends pulumi.CustomResourceOptions>(opts: T | undefined): T {
  const extra = opts?.additionalSecretOutputs ?? [];
  return { ...(opts ?? ({} as T)), additionalSecretOutputs: [...SECRET_OUTPUTS, ...extra] };
}
