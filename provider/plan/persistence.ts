// Session affinity as data: a Service's `sessionAffinity: ClientIP` (which AKO ignores) becomes client-IP
// persistence on each of its pools. Kubernetes gives the timeout in seconds (1-86400, default 10800); the
// controller's IPPersistenceProfile.ip_persistent_timeout is in minutes, 1-720 (swagger: "the length of time after
// a client's connections have closed before expiring the client's persistence", the meaning Kubernetes gives its
// timeout too). Seconds round up to whole minutes. Longer than 720 minutes is clamped to 720, with a note in the
// preview, rather than refused: the Service is valid Kubernetes the user may not own, the limit is the
// controller's, and a shorter stickiness only changes which server a client returning after 12 hours of silence
// gets; refusing would leave the whole Service without a load balancer. A timeout the user gives in minutes
// (persistence.clientIpTimeout) is ours to validate, so it is refused outside 1-720.

export const MAX_PERSISTENCE_MINUTES = 720;

/** The profile a pool owns is named after the pool. */
export function persistenceName(poolName: string): string {
  return poolName;
}

export function affinityMinutes(timeoutSeconds: number): { minutes: number; note?: string } {
  const minutes = Math.max(1, Math.ceil(timeoutSeconds / 60));
  if (minutes <= MAX_PERSISTENCE_MINUTES) return { minutes };
  return {
    minutes: MAX_PERSISTENCE_MINUTES,
    note: `sessionAffinityConfig.clientIP.timeoutSeconds ${timeoutSeconds} is ${minutes} minutes; the controller's client-IP persistence stops at ${MAX_PERSISTENCE_MINUTES}, so ${MAX_PERSISTENCE_MINUTES} minutes are used.`,
  };
}
