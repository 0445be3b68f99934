// AviK8sSync (pulumi-avi-k8s/sync) rendered under Pulumi mocks: the objects it registers, RBAC exactly the declared
// list, credentials only in a Secret, probes and args per the `avi-k8s sync` command line, a pod that meets the
// "restricted" Pod Security Standard; and bad arguments refused before anything is registered.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isSecretEnvelope, stripSecrets } from "../../emulator/engine";
import { parseSyncArgs } from "../../cli/sync";
import { SYNC_NODE_OPTIONS } from "../../provider/sync";
import {
  AviK8sSync,
  type AviK8sSyncArgs,
  clusterRules,
  defaultLeaseName,
  SYNC_PERMISSIONS,
} from "../../sdk/syncDeployment";
import {
  BASE,
  configMapFiles,
  containerOf,
  IMAGE,
  type Obj,
  PASSWORD,
  PEM,
  POD_NAME,
  parseRendered,
  podOf,
  render,
  T,
} from "./syncSupport";

describe("AviK8sSync under mocks", function () {
  this.timeout(60_000);

  it("registers a namespace, service account, RBAC, a Secret and a 2-replica Deployment with a disruption budget", async () => {
    const { run, one } = await render();
    const component = run.resource("avi-k8s-sync");
    assert.equal(component.type, "avi-k8s:index:AviK8sSync");
    assert.deepEqual(
      run.resources.map((r) => r.type).sort(),
      [...Object.values(T).filter((t) => t !== T.configMap), component.type].sort(),
    );
    const ns = one(T.namespace);
    assert.equal(ns.metadata.name, "avi-k8s");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const deployment = one(T.deployment);
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.metadata.namespace, "avi-k8s");
    assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
    assert.equal(containerOf(deployment).image, IMAGE);
    const pdb = one(T.pdb);
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.equal(
      pdb.spec.unhealthyPodEvictionPolicy,
      "AlwaysAllow",
      "a standby that is not ready never blocks a drain",
    );
  });

  it("grants exactly the declared permissions: cluster reads in a ClusterRole, the Lease in a Role of its namespace", async () => {
    const { one } = await render({ namespace: "lb-sync", leaseName: "sync-leader" });
    const clusterRole = one(T.clusterRole);
    assert.deepEqual(clusterRole.rules, clusterRules());
    const role = one(T.role);
    assert.equal(role.metadata.namespace, "lb-sync");
    assert.deepEqual(role.rules, [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "list", "watch", "update"],
        resourceNames: ["sync-leader"],
      },
    ]);
    // Every declared permission appears once, in the right object, and nothing else does.
    const granted = [
      ...clusterRole.rules.map((r: Obj) => ({ scope: "cluster", r })),
      ...role.rules.map((r: Obj) => ({ scope: "lease-namespace", r })),
    ].flatMap(({ scope, r }) =>
      r.verbs.map(
        (v: string) =>
          `${scope} ${r.apiGroups.join()}/${r.resources.join()} ${v}${r.resourceNames ? ` ${r.resourceNames}` : ""}`,
      ),
    );
    const declared = SYNC_PERMISSIONS.flatMap((p) =>
      p.verbs.map((v) => `${p.scope} ${p.apiGroup}/${p.resource} ${v}${p.ownLeaseOnly ? " sync-leader" : ""}`),
    );
    assert.deepEqual(granted.sort(), declared.sort());
    for (const rule of [...clusterRole.rules, ...role.rules]) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs])
        assert.ok(!field.includes("*"), JSON.stringify(rule));
      assert.ok(!rule.resources.some((r: string) => ["secrets", "configmaps"].includes(r)), JSON.stringify(rule));
      // Pods only for mode nodeportlocal's annotation: list and watch, never get (exec and logs need more).
      if (rule.resources.includes("pods")) assert.deepEqual(rule.verbs, ["list", "watch"]);
    }

    const account = one(T.account);
    const subject = { kind: "ServiceAccount", name: account.metadata.name, namespace: "lb-sync" };
    const clusterBinding = one(T.clusterBinding);
    assert.deepEqual(clusterBinding.subjects, [subject]);
    assert.deepEqual(clusterBinding.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: clusterRole.metadata.name,
    });
    const roleBinding = one(T.roleBinding);
    assert.equal(roleBinding.metadata.namespace, "lb-sync");
    assert.deepEqual(roleBinding.subjects, [subject]);
    assert.deepEqual(roleBinding.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: role.metadata.name,
    });
    const deployment = one(T.deployment);
    assert.equal(podOf(deployment).serviceAccountName, account.metadata.name);
    const le = parseRendered(deployment, one(T.secret)).leaderElection;
    assert.deepEqual(
      le && [le.namespace, le.name],
      ["lb-sync", "sync-leader"],
      "the Role covers the Lease the sync uses",
    );
  });

  it("keeps the password only in the Secret, as a secret, even when given as plain text; the pod reads it from there", async () => {
    for (const password of [pulumi.secret(PASSWORD), PASSWORD]) {
      const { run, all, one, component } = await render({ avi: { ...BASE.avi, password } });
      const [secret] = all(T.secret);
      assert.ok(secret);
      const stringData = (secret.inputs as Obj).stringData;
      const secretValues = Object.values(stringData).every(isSecretEnvelope) || isSecretEnvelope(stringData);
      assert.ok(secretValues, "the Secret's data is a secret in the state");
      assert.deepEqual(stripSecrets(stringData), { AVI_USERNAME: "k8s-sync", AVI_PASSWORD: PASSWORD });
      assert.equal(await pulumi.isSecret(component.credentials.stringData), true);
      for (const r of run.resources.filter((x) => x !== secret)) {
        assert.ok(!JSON.stringify(r.inputs).includes(PASSWORD), `${r.type} ${r.name} holds the password`);
      }
      const container = containerOf(one(T.deployment));
      const secretName = one(T.secret).metadata.name;
      for (const key of ["AVI_USERNAME", "AVI_PASSWORD"]) {
        const env = container.env.find((e: Obj) => e.name === key);
        assert.deepEqual(env, { name: key, valueFrom: { secretKeyRef: { name: secretName, key } } });
      }
      assert.ok(container.env.every((e: Obj) => !/PASSWORD|TOKEN/.test(e.name) || e.value === undefined));
    }
  });

  it("a token instead of a password travels as AVI_AUTH_TOKEN", async () => {
    const { one } = await render({ avi: { ...BASE.avi, password: undefined, token: pulumi.secret("t0k3n") } });
    assert.deepEqual(Object.keys(one(T.secret).stringData).sort(), ["AVI_AUTH_TOKEN", "AVI_USERNAME"]);
    const env = containerOf(one(T.deployment)).env.map((e: Obj) => e.name);
    assert.ok(env.includes("AVI_AUTH_TOKEN") && !env.includes("AVI_PASSWORD"));
  });

  it("runs `avi-k8s sync` as its own parser reads the args and the pod's environment; the identity is the pod's name", async () => {
    const { one } = await render({
      avi: { ...BASE.avi, tenant: "team-a", apiVersion: "22.1.3", insecure: true },
      resync: "5m",
    });
    const o = parseRendered(one(T.deployment), one(T.secret));
    assert.equal(o.cluster, "demo");
    assert.deepEqual(o.kube, { inCluster: true });
    assert.equal(o.listen, "0.0.0.0:8080");
    assert.equal(o.resyncMs, 300_000);
    assert.deepEqual(
      o.leaderElection && [o.leaderElection.namespace, o.leaderElection.name, o.leaderElection.identity],
      ["avi-k8s", "avi-k8s-sync-demo", POD_NAME],
    );
    assert.deepEqual(o.avi, {
      controller: "https://avi.example.com",
      username: "k8s-sync",
      password: PASSWORD,
      tenant: "team-a",
      apiVersion: "22.1.3",
      insecure: true,
    });
    const plain = await render();
    const defaults = parseRendered(plain.one(T.deployment), plain.one(T.secret));
    assert.equal(defaults.resyncMs, 600_000);
    assert.equal(defaults.avi.tenant, "admin");
    assert.equal(defaults.avi.insecure, undefined);
  });

  it("runs Node with the heap the sync's memory target is measured with (SYNC_NODE_OPTIONS)", async () => {
    const env = containerOf((await render()).one(T.deployment)).env as Obj[];
    assert.deepEqual(
      env.filter((e) => e.name === "NODE_OPTIONS"),
      [{ name: "NODE_OPTIONS", value: SYNC_NODE_OPTIONS }],
    );
    assert.match(SYNC_NODE_OPTIONS, /^--max-old-space-size=160$/);
  });

  it("probes /healthz (liveness) and /readyz (readiness) on the port the sync listens on", async () => {
    const container = containerOf((await render()).one(T.deployment));
    const port = (p: string | number) =>
      typeof p === "number" ? p : container.ports.find((x: Obj) => x.name === p)?.containerPort;
    const { one } = await render();
    const listen = Number(
      String(parseRendered(one(T.deployment), one(T.secret)).listen)
        .split(":")
        .pop(),
    );
    assert.equal(container.livenessProbe.httpGet.path, "/healthz");
    assert.equal(container.readinessProbe.httpGet.path, "/readyz");
    assert.equal(port(container.livenessProbe.httpGet.port), listen);
    assert.equal(port(container.readinessProbe.httpGet.port), listen);
    assert.equal(listen, 8080);
  });

  it("meets the restricted Pod Security Standard: non-root, read-only root, no escalation, no capabilities", async () => {
    const deployment = (await render()).one(T.deployment);
    const pod = podOf(deployment);
    const c = containerOf(deployment);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
    assert.deepEqual(c.resources.requests, { cpu: "50m", memory: "128Mi" });
    assert.equal(c.resources.limits.memory, "512Mi");
    // With a read-only root, /tmp is the only writable place.
    const tmp = c.volumeMounts.find((m: Obj) => m.mountPath === "/tmp");
    assert.ok(pod.volumes.find((v: Obj) => v.name === tmp.name).emptyDir);
  });

  it("mounts a CA bundle (PEM text or a file) from a ConfigMap, or from an existing Secret, and points --avi-ca-bundle at it", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sync-ca-")), "ca.pem");
    fs.writeFileSync(file, PEM);
    for (const caBundle of [PEM, file]) {
      const { one } = await render({ avi: { ...BASE.avi, caBundle } });
      const ca = one(T.configMap);
      assert.deepEqual(ca.data, { "ca.crt": PEM });
      const deployment = one(T.deployment);
      const c = containerOf(deployment);
      const volume = podOf(deployment).volumes.find((v: Obj) => v.configMap);
      assert.equal(volume.configMap.name, ca.metadata.name);
      const mount = c.volumeMounts.find((m: Obj) => m.name === volume.name);
      assert.equal(mount.readOnly, true);
      // The sync reads the CA from where the ConfigMap's key lands in the pod.
      assert.equal(parseRendered(deployment, one(T.secret), configMapFiles(deployment, ca)).avi.caCert, PEM);
    }
    const { all, one } = await render({ caBundleRef: { secret: "corp-ca", key: "bundle.pem" } });
    assert.equal(all(T.configMap).length, 0);
    const deployment = one(T.deployment);
    const volume = podOf(deployment).volumes.find((v: Obj) => v.secret);
    assert.deepEqual(volume.secret, { secretName: "corp-ca", items: [{ key: "bundle.pem", path: "ca.crt" }] });
    const mount = containerOf(deployment).volumeMounts.find((m: Obj) => m.name === volume.name);
    const files = { [`${mount.mountPath}/ca.crt`]: PEM };
    assert.equal(parseRendered(deployment, one(T.secret), files).avi.caCert, PEM);
  });

  it("deploys into an existing namespace when asked, and one replica gets no PodDisruptionBudget", async () => {
    const { all, one } = await render({ namespace: "platform", createNamespace: false, replicas: 1 });
    assert.equal(all(T.namespace).length, 0);
    assert.equal(all(T.pdb).length, 0);
    for (const t of [T.account, T.role, T.roleBinding, T.secret, T.deployment]) {
      assert.equal(one(t).metadata.namespace, "platform", t);
    }
    assert.equal(one(T.deployment).spec.replicas, 1);
  });

  it("refuses bad arguments with the field named, before registering anything", async () => {
    const cases: [Partial<AviK8sSyncArgs>, RegExp, string?][] = [
      [{ avi: { ...BASE.avi, password: undefined } }, /avi\.password or avi\.token is required/],
      [{ avi: { ...BASE.avi, token: "t" } }, /avi\.password or avi\.token, not both/],
      [
        { avi: { ...BASE.avi, controller: "avi.example.com" } },
        /avi\.controller 'avi\.example\.com' is not an https:\/\//,
      ],
      [{ cluster: "demo cluster" }, /cluster: clusterName 'demo cluster'/],
      [{ resync: "10 minutes" }, /resync '10 minutes' is not a duration/],
      [{ namespace: "Avi_K8s" }, /namespace 'Avi_K8s'/],
      [{ leaseName: "Leader!" }, /leaseName 'Leader!'/],
      [{ replicas: 0 }, /replicas must be a positive integer/],
      [{ image: "" }, /image is required/],
      [{ caBundleRef: { configMap: "ca" }, avi: { ...BASE.avi, caBundle: PEM } }, /caBundle or caBundleRef/],
      [{}, /the name 'AviSync' names its Deployment/, "AviSync"],
    ];
    let registered = 0;
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          registered++;
          return { id: `${a.name}-id`, state: a.inputs };
        },
        call: (a) => a.inputs,
      },
      "project",
      "dev",
      false,
    );
    for (const [args, pattern, name] of cases) {
      assert.throws(
        () => new AviK8sSync(name ?? "avi-k8s-sync", { ...BASE, ...args }),
        (e: Error) => {
          assert.match(e.message, pattern);
          assert.match(e.message, /^AviK8sSync /);
          assert.ok(!e.message.includes(PASSWORD));
          return true;
        },
      );
    }
    // Registration is asynchronous: give any that was started time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(registered, 0);
  });

  it("derives a valid Lease name from a cluster name with capitals and '_', the same one `avi-k8s sync` defaults to", async () => {
    const { one } = await render({ cluster: "Prod_EU1" });
    const o = parseRendered(one(T.deployment), one(T.secret));
    assert.equal(o.cluster, "Prod_EU1");
    const name = o.leaderElection ? o.leaderElection.name : undefined;
    assert.equal(name, defaultLeaseName("Prod_EU1"));
    assert.match(String(name), /^avi-k8s-sync-prod-eu1-[0-9a-f]{6}$/);
    // The command run by hand, without --lease-name, joins the same Lease.
    const env = { AVI_CONTROLLER: "https://avi.example.com", AVI_USERNAME: "u", AVI_PASSWORD: "p" };
    const byHand = parseSyncArgs(["--cluster", "Prod_EU1", "--in-cluster"], env);
    assert.equal(byHand.kind === "args" && byHand.options.leaderElection && byHand.options.leaderElection.name, name);
  });
});
