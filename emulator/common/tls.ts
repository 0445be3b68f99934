// Certificates for the emulators: real controllers and API servers are HTTPS-only, so the emulators are too.
// A fresh CA per start; the server certificate names 127.0.0.1 and localhost (the only addresses we bind).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
  /** The CA written to disk, for clients that take a file (kubectl, --ca-file). */
  caFile: string;
}

type SelfSigned = {
  generate(
    attrs: { name: string; value: string }[] | null,
    opts: Record<string, unknown>,
  ): Promise<{ private: string; public: string; cert: string }>;
};

export async function generateTls(commonName: string, dir?: string): Promise<TlsMaterial> {
  // Required here so that nothing pulls the certificate library in unless an emulator starts.
  const selfsigned = require("selfsigned") as SelfSigned;
  const notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const ca = await selfsigned.generate([{ name: "commonName", value: `${commonName} CA` }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await selfsigned.generate([{ name: "commonName", value: commonName }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate: notAfter,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  const outDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `${commonName.replace(/[^a-z0-9]/gi, "-")}-tls-`));
  fs.mkdirSync(outDir, { recursive: true });
  const caFile = path.join(outDir, "ca.crt");
  fs.writeFileSync(caFile, ca.cert);
  return { caCert: ca.cert, cert: leaf.cert, key: leaf.private, caFile };
}
