// One declaration of the connection settings drives the resources' args, stack config keys, environment names,
// validation, secrecy, `avi-k8s plan`'s flags and the README table, and one resolver serves them all.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parsePlanArgs } from "../../../cli/plan";
import {
  configKey,
  resolveAvi,
  resolveKube,
  SETTING_KEYS,
  SETTINGS,
  type SettingsSource,
  settingsFromConfig,
  settingsFromEnv,
  settingsTable,
  spec,
  validateSettings,
} from "../../../provider/settings";
import { connectionProps } from "../../../sdk/connectionArgs";

const README = path.resolve(__dirname, "../../../../README.md");
const config = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

describe("provider/settings: one schema for the connection settings", () => {
  it("the README's settings table is the one the schema generates", () => {
    assert.ok(fs.readFileSync(README, "utf8").includes(settingsTable()), "regenerate it with settingsTable()");
  });

  it("declares every setting once: secrets have no flag, and names are unique in every place", () => {
    for (const place of ["arg", "env", "flag"] as const) {
      const names = SETTING_KEYS.map((k) => (place === "arg" ? `${spec(k).group}.${spec(k).arg}` : spec(k)[place]));
      const given = names.filter((n) => n !== undefined);
      assert.equal(new Set(given).size, given.length, place);
    }
    for (const k of SETTING_KEYS) if (spec(k).secret) assert.equal(spec(k).flag, undefined, k);
    assert.equal(SETTINGS.kubeContext.arg, "context", "the one rename: kubernetes.context is avi-k8s:kubeContext");
    assert.equal(configKey("kubeContext"), "avi-k8s:kubeContext");
  });

  it("the resources' args are the schema's: every arg becomes its setting's property, secrets wrapped", () => {
    const props = connectionProps(
      { controller: "https://c", username: "u", password: "p", tenant: "t", insecure: true },
      { context: "ctx", kubeconfig: "yaml" },
    );
    assert.deepEqual(Object.keys(props).sort(), [...SETTING_KEYS].sort());
    assert.equal(props.kubeContext, "ctx");
    assert.equal(props.controller, "https://c");
  });

  it("args win over stack config, stack config over the environment; credentials come as a pair from one place", () => {
    const sources: SettingsSource[] = [
      { kind: "args", values: { username: "from-args" } },
      { kind: "config", values: settingsFromConfig(config({ "avi-k8s:controller": "https://cfg" })) },
      {
        kind: "env",
        values: settingsFromEnv({ AVI_CONTROLLER: "https://env", AVI_USERNAME: "env-user", AVI_PASSWORD: "env-pw" }),
      },
    ];
    const r = resolveAvi(sources);
    assert.equal(r.connection?.controller, "https://cfg");
    assert.equal(r.connection?.username, "env-user", "the password's own username, not the arg's");
    assert.equal(r.connection?.password, "env-pw");
    assert.deepEqual(r.origin, { controller: "config", tenant: "default" });
    assert.equal(r.connection?.tenant, "admin");
  });

  it("names each place in its problems, and never repeats a secret value", () => {
    const bad = settingsFromConfig(config({ "avi-k8s:insecure": "yes", "avi-k8s:controller": "ftp://x" }));
    const problems = validateSettings({ kind: "config", values: bad });
    assert.deepEqual(
      problems.map((p) => p.reason),
      [
        "avi-k8s:controller 'ftp://x' is not an https:// (or, for a lab, http://) URL.",
        "avi-k8s:insecure must be true or false.",
      ],
    );
    const missing = resolveAvi([
      { kind: "flags", values: { controller: "https://c" } },
      { kind: "env", values: {} },
    ]);
    assert.deepEqual(
      missing.problems.map((p) => p.reason),
      [
        "No Avi username: set --avi-username or AVI_USERNAME.",
        "No Avi password or token: set AVI_PASSWORD (or AVI_AUTH_TOKEN).",
      ],
    );
    const secret = validateSettings({ kind: "args", values: { password: 42 as unknown as string } });
    assert.deepEqual(secret, [{ property: "password", reason: "password must be a string." }]);
  });

  it("`avi-k8s plan` resolves through the same resolver: same environment, same connection", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-"));
    const ca = path.join(dir, "ca.pem");
    fs.writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    const env = {
      AVI_CONTROLLER: "https://avi.example",
      AVI_USERNAME: "admin",
      AVI_AUTH_TOKEN: "t0k3n",
      AVI_TENANT: "blue",
      AVI_CA_BUNDLE: ca,
    };
    const parsed = parsePlanArgs(["--cluster", "c1", "--avi-version", "auto", "--avi-insecure"], env);
    assert.equal(parsed.kind, "args");
    const fromPlan = parsed.kind === "args" ? parsed.args.avi?.connection : undefined;
    const fromResources = resolveAvi([
      { kind: "args", values: { apiVersion: "auto", insecure: true } },
      { kind: "config", values: {} },
      { kind: "env", values: settingsFromEnv(env) },
    ]).connection;
    assert.deepEqual(fromPlan, fromResources);
    assert.equal(fromPlan?.tenant, "blue");
    assert.equal(fromPlan?.insecure, true);
    fs.rmSync(dir, { recursive: true });
  });

  it("takes the kubeconfig source from one place, and refuses two sources in one place", () => {
    const k = resolveKube([
      { kind: "args", values: { kubeContext: "ctx" } },
      { kind: "config", values: { kubeconfigPath: "/cfg/kubeconfig" } },
    ]);
    assert.deepEqual(k, { connection: { kubeconfigPath: "/cfg/kubeconfig", context: "ctx" }, origin: "config" });
    const both = parsePlanArgs(["--cluster", "c1", "--kubeconfig", "/k", "--in-cluster"], {});
    assert.deepEqual(both, { kind: "error", message: "Give one of --kubeconfig, --in-cluster, not several." });
  });
});
