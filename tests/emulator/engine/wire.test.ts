// The harness's stand-ins for what the engine does to values between the program and the provider.
import * as assert from "node:assert/strict";
import {
  containsUnknown,
  SECRET_SIG,
  SIG_KEY,
  secretKeys,
  stripSecrets,
  structRoundTrip,
  UNKNOWN,
} from "../../../emulator/engine";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

describe("engine harness wire helpers", () => {
  it("strips secret envelopes at any depth, as the engine does for a host that refuses secrets", () => {
    const wire = { password: secret("pw"), nested: { list: [secret({ token: secret("t") })] }, plain: 1 };
    assert.deepEqual(secretKeys(wire), ["password"]);
    assert.deepEqual(stripSecrets(wire), { password: "pw", nested: { list: [{ token: "t" }] }, plain: 1 });
  });

  it("sorts keys and refuses undefined, naming where, like a protobuf Struct", () => {
    assert.deepEqual(Object.keys(structRoundTrip({ b: 1, a: { d: 2, c: 3 } })), ["a", "b"]);
    assert.equal(JSON.stringify(structRoundTrip({ b: 1, a: { d: 2, c: 3 } })), '{"a":{"c":3,"d":2},"b":1}');
    assert.throws(() => structRoundTrip({ outs: { pools: [{ uuid: undefined }] } }), /at \$\.outs\.pools\[0\]\.uuid/);
  });

  it("finds the unknown sentinel anywhere", () => {
    assert.equal(containsUnknown({ a: [{ b: UNKNOWN }] }), true);
    assert.equal(containsUnknown({ a: [{ b: "known" }] }), false);
  });
});
