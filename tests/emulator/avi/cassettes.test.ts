import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../../../emulator/avi";
import { login } from "./http";
import { readCassette, replay } from "./replay";

// Compiled to dist/tests/emulator/avi: the fixtures stay in the source tree.
const DIR = path.resolve(__dirname, "../../../../tests/fixtures/avi/cassettes");

const CASES: { name: string; password: string; basicAuth?: boolean }[] = [
  { name: "setUpModule", password: "password" },
  { name: "test_basic_vs", password: "password" },
  { name: "test_clone_vs", password: "password" },
  { name: "test_multiple_tenants", password: "password" },
  { name: "test_force_uuid", password: "password" },
  { name: "test_retry_unauth_api", password: "password" },
  { name: "test_session_reset", password: "password" },
  { name: "test_basic_auth", password: "avi123$%", basicAuth: true },
];

describe("Avi emulator: replaying recorded controller traffic", () => {
  let emu: AviEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  for (const c of CASES) {
    it(`${c.name}: every recorded request gets the recorded status and response keys`, async () => {
      emu = await startAviEmulator({ username: "admin", password: c.password });
      if (c.basicAuth) {
        // The recorded test enabled basic auth through systemconfiguration before its first call.
        const s = await login(emu);
        const conf = await s.call("GET", "/api/systemconfiguration");
        conf.json.portal_configuration.allow_basic_authentication = true;
        assert.equal((await s.call("PUT", "/api/systemconfiguration", conf.json)).status, 200);
      }
      const steps = await replay(emu, readCassette(path.join(DIR, `${c.name}.json`)));
      assert.ok(steps.length > 0);
      const statusDiffs = steps
        .filter((s) => s.expected !== s.actual)
        .map((s) => `${s.label}: ${s.actual} != ${s.expected}`);
      assert.deepEqual(statusDiffs, []);
      const keyDiffs = steps
        .filter((s) => s.missingKeys.length > 0)
        .map((s) => `${s.label}: missing ${s.missingKeys.join(", ")}`);
      assert.deepEqual(keyDiffs, []);
    });
  }
});
