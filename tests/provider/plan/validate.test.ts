import * as assert from "node:assert/strict";
import {
  MAX_CLUSTER_NAME_LENGTH,
  validateCidr,
  validateClusterName,
  validateCni,
  validateIp,
  validatePort,
} from "../../../provider/plan";

describe("validators", () => {
  it("accept good values", () => {
    assert.equal(validateClusterName("prod_east-1"), undefined);
    assert.equal(validateClusterName("x".repeat(MAX_CLUSTER_NAME_LENGTH)), undefined);
    assert.equal(validateCidr("192.168.101.0/24"), undefined);
    assert.equal(validateCidr("fd00:10:244:1::/64"), undefined);
    assert.equal(validateIp("10.100.1.101"), undefined);
    assert.equal(validateIp("fd00::1"), undefined);
    assert.equal(validatePort(65535), undefined);
    assert.equal(validateCni("ovn-kubernetes"), undefined);
  });

  it("reject bad values with a sentence naming the value", () => {
    assert.match(validateClusterName("prod.east") ?? "", /'prod\.east'.*letters, digits/);
    assert.match(validateClusterName("") ?? "", /non-empty/);
    assert.match(validateClusterName("x".repeat(MAX_CLUSTER_NAME_LENGTH + 1)) ?? "", /255/);
    assert.match(validateCidr("192.168.101.5/24") ?? "", /host bits.*192\.168\.101\.0\/24/);
    assert.match(validateCidr("10.1/16") ?? "", /'10\.1\/16' is not/);
    assert.match(validateCidr("10.0.0.0/33") ?? "", /'10\.0\.0\.0\/33'/);
    assert.match(validateIp("10.1") ?? "", /'10\.1'/);
    assert.match(validateIp("10.0.0.0/8") ?? "", /'10\.0\.0\.0\/8'/);
    assert.match(validatePort(0) ?? "", /'0'.*1 to 65535/);
    assert.match(validatePort(80.5) ?? "", /'80\.5'/);
    assert.match(validateCni("weave") ?? "", /'weave' is not one of auto, default, calico/);
  });
});
