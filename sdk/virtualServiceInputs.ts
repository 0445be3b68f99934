// What ClusterIpVirtualService and ClusterIpSharedVip hand their provider alike: the settings both take under the
// same names, and the outputs the provider fills in (declared so Pulumi registers them as outputs).

/** The argument names both resources pass on unchanged. */
const COMMON_KEYS = [
  "vrf",
  "cloud",
  "seGroup",
  "applicationProfile",
  "networkProfile",
  "healthMonitor",
  "pool",
  "sourceRanges",
  "fullClientLogs",
  "membership",
  "loadBalancerClass",
  "annotateService",
  "nodeNetworks",
] as const;

/** The arguments of `args` both resources share, as provider inputs. */
export function commonVsInputs<A extends Partial<Record<(typeof COMMON_KEYS)[number], unknown>>>(
  args: A,
): Pick<A, (typeof COMMON_KEYS)[number]> {
  const out: Partial<A> = {};
  for (const k of COMMON_KEYS) out[k] = args[k];
  return out as Pick<A, (typeof COMMON_KEYS)[number]>;
}

/**
 * The outputs the provider fills in, as undefined inputs so Pulumi registers them. `mode` is a connection setting
 * (kubernetes.mode): its output needs no placeholder.
 */
export const VS_OUTPUTS = {
  pools: undefined,
  l4: undefined,
  conflicts: undefined,
  virtualServiceName: undefined,
  virtualServiceUuid: undefined,
  vsVipUuid: undefined,
  vipAddress: undefined,
  warnings: undefined,
  controllerUrl: undefined,
  kubeServer: undefined,
} as const;
