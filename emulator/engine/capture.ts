// The serialized provider a resource stores in its state, without registering a resource: what
// pulumi.dynamic.Resource does for `__provider` (serializeFunction(() => provider, {allowSecrets: true})).
import * as pulumi from "@pulumi/pulumi";
import { isSecretEnvelope } from "./wire";
import type { RegisteredResource } from "./mocks";

export interface SerializedProvider {
  text: string;
  /** True when the closure captured a secret; the engine would then store `__provider` as a secret. */
  containsSecrets: boolean;
  bytes: number;
}

export async function serializeProvider(provider: object): Promise<SerializedProvider> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, containsSecrets: sf.containsSecrets, bytes: Buffer.byteLength(sf.text) };
}

/** The `__provider` a registered dynamic resource carried (from runProgram's resources). */
export function providerOf(r: RegisteredResource): SerializedProvider {
  const wire = r.inputs.__provider;
  const secret = isSecretEnvelope(wire);
  const text = secret ? wire.value : wire;
  if (typeof text !== "string") throw new Error(`${r.name} carries no serialized provider (type ${r.type})`);
  return { text, containsSecrets: secret, bytes: Buffer.byteLength(text) };
}
