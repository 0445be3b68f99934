import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { useEmulator } from "./http";

const run = promisify(execFile);

function curlAvailable(): boolean {
  return ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].some((p) => fs.existsSync(p));
}

describe("Avi emulator: a client nobody here wrote (curl)", () => {
  const emu = useEmulator();

  it("logs in, passes CSRF and creates a pool over verified HTTPS with curl --cacert", async function () {
    if (!curlAvailable()) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-curl-"));
    try {
      const jar = path.join(dir, "jar");
      const base = ["-sS", "--cacert", emu().caFile ?? "", "-c", jar, "-b", jar, "-w", "\\n%{http_code}"];
      const loginOut = await run("curl", [
        ...base,
        "-H",
        "Content-Type: application/json",
        "-d",
        JSON.stringify({ username: emu().username, password: emu().password }),
        `${emu().url}/login`,
      ]);
      assert.match(loginOut.stdout, /\n200$/);
      const cookies = fs.readFileSync(jar, "utf8");
      const csrf = /csrftoken\t(\S+)/.exec(cookies)?.[1];
      assert.ok(csrf, "curl stored the csrftoken cookie");
      assert.match(cookies, /avi-sessionid/);
      const create = await run("curl", [
        ...base,
        "-H",
        "Content-Type: application/json",
        "-H",
        `X-CSRFToken: ${csrf}`,
        "-H",
        `Referer: ${emu().url}`,
        "-H",
        "X-Avi-Version: 22.1.5",
        "-d",
        JSON.stringify({ name: "curl-pool", servers: [{ ip: { addr: "192.168.102.17", type: "V4" }, port: 8080 }] }),
        `${emu().url}/api/pool`,
      ]);
      assert.match(create.stdout, /\n201$/);
      const body = JSON.parse(create.stdout.replace(/\n201$/, ""));
      assert.equal(body.name, "curl-pool");
      const noToken = await run("curl", [
        ...base,
        "-X",
        "DELETE",
        "-H",
        `Referer: ${emu().url}`,
        `${emu().url}/api/pool/${body.uuid}`,
      ]);
      assert.match(noToken.stdout, /^CSRF token missing or incorrect\.\n401$/);
      assert.equal(
        emu()
          .objects("pool")
          .filter((p) => p.name === "curl-pool").length,
        1,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
