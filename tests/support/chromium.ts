// Finding and starting a headless Chromium for the live view's browser test and benchmark: Debian's `chromium`
// package (or a Chrome already on the machine) driven by playwright-core, which downloads no browser of its own.
// `.ci/install-chromium` installs the package where apt can; where nothing is found the callers skip loudly.
import * as fs from "node:fs";
import type { Browser } from "playwright-core";

export type ChromiumLookup = { ok: true; executablePath: string } | { ok: false; reason: string };

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

export const INSTALL_HINT = "install it with `bash .ci/install-chromium` (apt-get install chromium)";

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  try {
    require.resolve("playwright-core");
  } catch {
    return { ok: false, reason: "playwright-core is not installed (run npm ci)" };
  }
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    return fs.existsSync(wanted)
      ? { ok: true, executablePath: wanted }
      : { ok: false, reason: `CHROMIUM_PATH=${wanted} does not exist` };
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  return found
    ? { ok: true, executablePath: found }
    : { ok: false, reason: `no Chromium at ${CANDIDATES.join(", ")}; ${INSTALL_HINT}` };
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  return chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-background-networking"],
  });
}

/** One line that cannot be missed in mocha's output, for a test that had to be skipped. */
export function skipNotice(what: string, reason: string): string {
  return `\n  !!! SKIPPED ${what}: ${reason}\n`;
}
