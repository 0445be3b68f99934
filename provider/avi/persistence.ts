// Client-IP persistence profiles a virtual service owns (alb-sdk swagger/ApplicationPersistenceProfile.json):
// one per pool whose Service asks for sessionAffinity: ClientIP (or whose args ask for it), with the timeout in
// minutes. ApplicationPersistenceProfile has no cloud_ref or created_by field, so neither is sent.
import { type Json, markersFor } from "./objects";
import type { VirtualServiceSpec } from "./types";

export function buildPersistenceProfile(spec: VirtualServiceSpec, name: string, p: { clientIpTimeout: number }): Json {
  return {
    name,
    persistence_type: "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
    ip_persistence_profile: { ip_persistent_timeout: p.clientIpTimeout },
    markers: markersFor(spec),
  };
}
