// StringGroup (alb-sdk swagger/StringGroup.json, API 30.2.1): type an enum whose default SG_TYPE_STRING is filled
// in when it is left out (the model lists it as required and defaulted; protobuf fills the default), kv a list of KeyValue {key (required), value}, longest_match (18.2.8), markers (20.1.5) and
// description. Tenant-scoped like the other config objects; nothing on the controller acts on it by itself.
import { fail } from "./json";
import { COMMON_REFS, type ModelSpec } from "./modelkit";
import { bool, checkFields, fillDefaults, list, obj, oneOf, type Schema, str } from "./schema";

const STRING_GROUP: Schema = {
  type: oneOf(["SG_TYPE_STRING", "SG_TYPE_KEYVAL"], "SG_TYPE_STRING"),
  kv: list(obj({ key: str(), value: str() }, ["key"])),
  longest_match: bool(false),
  description: str(),
  markers: list(obj({ key: str(), values: list(str()) }, ["key"])),
};

export const stringgroup: ModelSpec = {
  refs: { tenant_ref: COMMON_REFS.tenant_ref },
  fill(o) {
    fillDefaults(o, STRING_GROUP);
  },
  validate(o) {
    checkFields(o, STRING_GROUP);
    if (o.kv !== undefined && !Array.isArray(o.kv)) fail(400, "kv must be a list");
  },
};
