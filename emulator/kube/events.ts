// Events: core/v1 Events are the storage; events.k8s.io/v1 is a second API over it, converted field by field as
// pkg/apis/events/v1/conversion.go does (regarding <-> involvedObject, note <-> message, reportingController <->
// reportingComponent, deprecated* <-> the old source/firstTimestamp/lastTimestamp/count). `kubectl describe`
// reads the core form, so an event a client creates through events.k8s.io/v1 shows up there. Validation follows
// pkg/apis/core/validation/events.go: lenient for core/v1, strict for events.k8s.io/v1.
import { type FieldError, fieldError } from "./errors";
import { microTime, wholeTime } from "./times";
import type { Json, KubeObject, ResourceView } from "./types";

const LIMIT = { reportingInstance: 128, action: 128, reason: 128, note: 1024 };

const set = (o: Json, k: string, v: unknown) => {
  if (v !== undefined && v !== null && v !== "" && v !== 0) o[k] = v;
};

/** The stored (core/v1) form, with the fields Go always serialises: zero times are null, strings "". */
export function normalizeCoreEvent(e: Json): KubeObject {
  const out: Json = { apiVersion: "v1", kind: "Event", metadata: e.metadata ?? {} };
  out.involvedObject = e.involvedObject ?? {};
  set(out, "reason", e.reason);
  set(out, "message", e.message);
  out.source = e.source ?? {};
  out.firstTimestamp = wholeTime(e.firstTimestamp);
  out.lastTimestamp = wholeTime(e.lastTimestamp);
  set(out, "count", e.count);
  set(out, "type", e.type);
  out.eventTime = microTime(e.eventTime);
  if (e.series) out.series = { ...e.series, lastObservedTime: microTime(e.series.lastObservedTime) };
  set(out, "action", e.action);
  if (e.related) out.related = e.related;
  out.reportingComponent = e.reportingComponent ?? "";
  out.reportingInstance = e.reportingInstance ?? "";
  return out;
}

export const eventsV1View: ResourceView = {
  toStored(e: Json): KubeObject {
    return normalizeCoreEvent({
      metadata: e.metadata,
      involvedObject: e.regarding,
      reason: e.reason,
      message: e.note,
      source: e.deprecatedSource,
      firstTimestamp: e.deprecatedFirstTimestamp,
      lastTimestamp: e.deprecatedLastTimestamp,
      count: e.deprecatedCount,
      type: e.type,
      eventTime: e.eventTime,
      series: e.series,
      action: e.action,
      related: e.related,
      reportingComponent: e.reportingController,
      reportingInstance: e.reportingInstance,
    });
  },
  fromStored(c: KubeObject): Json {
    const out: Json = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: c.metadata };
    out.eventTime = c.eventTime ?? null;
    if (c.series) out.series = c.series;
    set(out, "reportingController", c.reportingComponent);
    set(out, "reportingInstance", c.reportingInstance);
    set(out, "action", c.action);
    set(out, "reason", c.reason);
    out.regarding = c.involvedObject ?? {};
    if (c.related) out.related = c.related;
    set(out, "note", c.message);
    set(out, "type", c.type);
    out.deprecatedSource = c.source ?? {};
    out.deprecatedFirstTimestamp = c.firstTimestamp ?? null;
    out.deprecatedLastTimestamp = c.lastTimestamp ?? null;
    set(out, "deprecatedCount", c.count);
    return out;
  },
};

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function legacyErrors(e: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata.namespace ?? "";
  const involvedNs = e.involvedObject?.namespace ?? "";
  const mismatch = () =>
    fieldError("Invalid", "involvedObject.namespace", involvedNs, "does not match event.namespace");
  if (!e.eventTime) {
    if (involvedNs === "" ? ns !== "" && ns !== "default" : ns !== involvedNs) errs.push(mismatch());
    return errs;
  }
  if (involvedNs === "" && ns !== "default" && ns !== "kube-system") errs.push(mismatch());
  const controller: string = e.reportingComponent ?? "";
  if (!controller) errs.push(fieldError("Required", "reportingController"));
  else if (!QUALIFIED_NAME.test(controller.split("/").pop() ?? "") || controller.split("/").length > 2) {
    errs.push(
      fieldError(
        "Invalid",
        "reportingController",
        controller,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  }
  const required = (field: string, value: string | undefined, limit?: number) => {
    if (!value) errs.push(fieldError("Required", field));
    else if (limit && value.length > limit)
      errs.push(fieldError("Invalid", field, "", `can have at most ${limit} characters`));
  };
  required("reportingInstance", e.reportingInstance, LIMIT.reportingInstance);
  required("action", e.action, LIMIT.action);
  required("reason", e.reason, LIMIT.reason);
  if ((e.message ?? "").length > LIMIT.note) {
    errs.push(fieldError("Invalid", "message", "", `can have at most ${LIMIT.note} characters`));
  }
  return errs;
}

/** ValidateEventCreate: core/v1 gets the legacy checks only; events.k8s.io/v1 the strict ones too. */
export function validateEventCreate(e: KubeObject, strict: boolean): FieldError[] {
  const errs = legacyErrors(e);
  if (!strict) return errs;
  if (e.series) {
    if (!(e.series.count >= 2)) errs.push(fieldError("Invalid", "series.count", "", "should be at least 2"));
    if (!e.series.lastObservedTime) errs.push(fieldError("Required", "series.lastObservedTime"));
  }
  if (!e.eventTime) errs.push(fieldError("Required", "eventTime"));
  if (e.type !== "Normal" && e.type !== "Warning") {
    errs.push(fieldError("Invalid", "type", "", `has invalid value: ${e.type ?? ""}`));
  }
  const unset = (field: string, isSet: boolean) => {
    if (isSet) errs.push(fieldError("Invalid", field, "", "needs to be unset"));
  };
  unset("firstTimestamp", Boolean(e.firstTimestamp));
  unset("lastTimestamp", Boolean(e.lastTimestamp));
  unset("count", Boolean(e.count));
  unset("source", Boolean(e.source?.component || e.source?.host));
  return errs;
}

const IMMUTABLE: [string, (e: KubeObject) => unknown][] = [
  ["involvedObject", (e) => e.involvedObject],
  ["reason", (e) => e.reason],
  ["message", (e) => e.message],
  ["source", (e) => e.source],
  ["firstTimestamp", (e) => e.firstTimestamp],
  ["lastTimestamp", (e) => e.lastTimestamp],
  ["count", (e) => e.count],
  ["type", (e) => e.type],
  ["eventTime", (e) => e.eventTime],
  ["action", (e) => e.action],
  ["related", (e) => e.related],
  ["reportingController", (e) => e.reportingComponent],
  ["reportingInstance", (e) => e.reportingInstance],
];

/** ValidateEventUpdate: events.k8s.io/v1 may only change the series (and metadata) of an event. */
export function validateEventUpdate(next: KubeObject, cur: KubeObject, strict: boolean): FieldError[] {
  const errs = legacyErrors(next);
  if (!strict) return errs;
  if (JSON.stringify(next.series) !== JSON.stringify(cur.series) && next.series) {
    if (!(next.series.count >= 2)) errs.push(fieldError("Invalid", "series.count", "", "should be at least 2"));
  }
  for (const [field, get] of IMMUTABLE) {
    if (JSON.stringify(get(next) ?? null) !== JSON.stringify(get(cur) ?? null)) {
      errs.push(fieldError("Invalid", field, get(next) ?? null, "field is immutable"));
    }
  }
  return errs;
}
