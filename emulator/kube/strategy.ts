// What the registry strategies do to an object before it is stored: decode typed fields (times, integers) the
// way the real decoder would refuse or normalise them, apply defaults, and validate.
import * as net from "node:net";
import { invalid, invalidFields, type FieldError, fieldError, undecodable } from "./errors";
import { normalizeCoreEvent, validateEventCreate, validateEventUpdate } from "./events";
import { DecodeError, microTime } from "./times";
import type { Json, KubeObject, ResourceType } from "./types";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const INT32 = (v: unknown) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31;

function jsonTypeError(v: unknown, goField: string, goType: string): DecodeError {
  const what =
    typeof v === "number" ? `number ${v}` : typeof v === "object" ? (Array.isArray(v) ? "array" : "object") : typeof v;
  return new DecodeError(`json: cannot unmarshal ${what} into Go struct field ${goField} of type ${goType}`);
}

/** LeaseSpec as decoded: int32 and string fields checked, MicroTimes normalised, unset pointers dropped. */
function decodeLease(obj: KubeObject): KubeObject {
  const spec: Json = { ...(obj.spec ?? {}) };
  for (const f of ["leaseDurationSeconds", "leaseTransitions"]) {
    if (spec[f] != null && !INT32(spec[f])) throw jsonTypeError(spec[f], `LeaseSpec.spec.${f}`, "int32");
  }
  for (const f of ["holderIdentity"]) {
    if (spec[f] != null && typeof spec[f] !== "string") throw jsonTypeError(spec[f], `LeaseSpec.spec.${f}`, "string");
  }
  for (const f of ["acquireTime", "renewTime"]) spec[f] = microTime(spec[f]);
  // strategy and preferredHolder belong to the CoordinatedLeaderElection alpha, off in v1.32: dropped.
  delete spec.strategy;
  delete spec.preferredHolder;
  for (const k of Object.keys(spec)) if (spec[k] === null) delete spec[k];
  return { ...obj, spec };
}

/** The object as the real decoder leaves it, or a 400 for what it cannot decode. */
export function decode(rt: ResourceType, obj: KubeObject): KubeObject {
  try {
    if (rt.resource === "leases") return decodeLease(obj);
    if (rt.resource === "events") return normalizeCoreEvent(obj);
    return obj;
  } catch (e) {
    if (e instanceof DecodeError) throw undecodable(rt, e.message);
    throw e;
  }
}

function leaseErrors(l: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const s = l.spec ?? {};
  if (s.leaseDurationSeconds != null && s.leaseDurationSeconds <= 0) {
    errs.push(fieldError("Invalid", "spec.leaseDurationSeconds", s.leaseDurationSeconds, "must be greater than 0"));
  }
  if (s.leaseTransitions != null && s.leaseTransitions < 0) {
    errs.push(fieldError("Invalid", "spec.leaseTransitions", s.leaseTransitions, "must be greater than or equal to 0"));
  }
  return errs;
}

export function applyDefaults(rt: ResourceType, obj: KubeObject): void {
  if (rt.resource === "pods") {
    obj.spec ??= {};
    const s = obj.spec;
    s.restartPolicy ??= "Always";
    s.dnsPolicy ??= "ClusterFirst";
    s.schedulerName ??= "default-scheduler";
    s.terminationGracePeriodSeconds ??= 30;
    s.serviceAccountName ??= "default";
    s.enableServiceLinks ??= true;
    s.securityContext ??= {};
    s.preemptionPolicy ??= "PreemptLowerPriority";
    s.priority ??= 0;
    for (const c of s.containers ?? []) {
      c.imagePullPolicy ??= /:latest$|^[^:]+$/.test(c.image ?? "") ? "Always" : "IfNotPresent";
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      c.resources ??= {};
      for (const p of c.ports ?? []) p.protocol ??= "TCP";
    }
  } else if (rt.resource === "services") {
    obj.spec ??= {};
    const s = obj.spec;
    s.type ??= "ClusterIP";
    s.sessionAffinity ??= "None";
    if (s.type !== "ExternalName") {
      s.ipFamilies ??= [s.clusterIP?.includes(":") ? "IPv6" : "IPv4"];
      s.ipFamilyPolicy ??= s.ipFamilies.length > 1 ? "PreferDualStack" : "SingleStack";
      s.internalTrafficPolicy ??= "Cluster";
      if (s.type === "NodePort" || s.type === "LoadBalancer") s.externalTrafficPolicy ??= "Cluster";
    }
    // Cluster IPs and node ports are allocated by allocators.ts, after validation.
    for (const p of s.ports ?? []) {
      p.protocol ??= "TCP";
      p.targetPort ??= p.port;
    }
    defaultIngress(obj);
  } else if (rt.resource === "namespaces") {
    obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name };
    obj.spec ??= { finalizers: ["kubernetes"] };
  }
}

/** Checks that need no other object; rt is the type the request came through (events.k8s.io is stricter). */
export function validate(rt: ResourceType, obj: KubeObject, cur?: KubeObject): void {
  const name = obj.metadata.name;
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    throw invalid(
      rt,
      name,
      "metadata.name",
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  }
  if (rt.resource === "pods" && !(obj.spec?.containers?.length > 0)) {
    throw invalid(rt, name, "spec.containers", "Required value", "FieldValueRequired");
  }
  if (rt.resource === "services" && obj.spec?.type !== "ExternalName" && !(obj.spec?.ports?.length > 0)) {
    throw invalid(rt, name, "spec.ports", "Required value", "FieldValueRequired");
  }
  if (rt.resource === "endpointslices" && !["IPv4", "IPv6", "FQDN"].includes(obj.addressType)) {
    throw invalid(
      rt,
      name,
      "addressType",
      `Unsupported value: "${obj.addressType ?? ""}": supported values: "FQDN", "IPv4", "IPv6"`,
      "FieldValueNotSupported",
    );
  }
  if (rt.resource === "leases") {
    const errs = leaseErrors(obj);
    if (errs.length) throw invalidFields(rt, name, errs);
  }
  if (rt.resource === "events") {
    const strict = rt.group === "events.k8s.io";
    const errs = cur ? validateEventUpdate(obj, cur, strict) : validateEventCreate(obj, strict);
    if (errs.length) throw invalidFields(rt, name, errs);
  }
}

/** Defaults the LoadBalancerIPMode gate adds (ipMode VIP for an ingress with an ip). */
function defaultIngress(svc: KubeObject): void {
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing?.ip && ing.ipMode == null) ing.ipMode = "VIP";
}

function loadBalancerStatusErrors(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ingress: Json[] = svc.status?.loadBalancer?.ingress ?? [];
  const path = "status.loadBalancer.ingress";
  if (svc.spec?.type !== "LoadBalancer" && ingress.length > 0) {
    return [fieldError("Forbidden", path, undefined, "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  for (const [i, ing] of ingress.entries()) {
    const at = `${path}[${i}]`;
    if (ing.ip && net.isIP(ing.ip) === 0) {
      errs.push(
        fieldError("Invalid", `${at}.ip`, ing.ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      );
    }
    if (ing.ipMode != null && !ing.ip) {
      errs.push(fieldError("Forbidden", `${at}.ipMode`, undefined, "may not be specified when `ip` is not set"));
    } else if (ing.ipMode != null && ing.ipMode !== "Proxy" && ing.ipMode !== "VIP") {
      errs.push(fieldError("NotSupported", `${at}.ipMode`, ing.ipMode, 'supported values: "Proxy", "VIP"'));
    }
    if (ing.hostname) {
      if (!DNS1123_SUBDOMAIN.test(ing.hostname)) {
        errs.push(
          fieldError(
            "Invalid",
            `${at}.hostname`,
            ing.hostname,
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          ),
        );
      }
      if (net.isIP(ing.hostname) !== 0) {
        errs.push(fieldError("Invalid", `${at}.hostname`, ing.hostname, "must be a DNS name, not an IP address"));
      }
    }
  }
  return errs;
}

/** A /status write: defaults and validation of the new status (the spec is the stored one). */
export function validateStatus(rt: ResourceType, obj: KubeObject): void {
  if (rt.resource !== "services") return;
  defaultIngress(obj);
  const errs = loadBalancerStatusErrors(obj);
  if (errs.length) throw invalidFields(rt, obj.metadata.name, errs);
}
