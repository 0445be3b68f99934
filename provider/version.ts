// The package's own version, read from its package.json at run time (dist/provider/version.js sits two folders
// below it), for the User-Agent the controller logs: who wrote is visible in its audit trail and the live view.
import * as path from "node:path";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    try {
      cached = String((require(path.join(__dirname, "..", "..", "package.json")) as { version?: string }).version);
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}

/** `pulumi-avi-k8s/0.1.0`, or `pulumi-avi-k8s/0.1.0 (sync; replica-1)` with a detail. */
export function userAgent(detail?: string): string {
  return `pulumi-avi-k8s/${packageVersion()}${detail ? ` (${detail})` : ""}`;
}
