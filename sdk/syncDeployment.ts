// AviK8sSync: `avi-k8s sync` running in the cluster it watches, deployed with @pulumi/kubernetes. Its own entry
// point (`pulumi-avi-k8s/sync`), so programs that never deploy it never load @pulumi/kubernetes. The RBAC comes
// from provider/kube/rbac.ts and nothing else; the controller credentials live only in a Secret.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterRules, leaseNamespaceRules } from "../provider/kube/rbac";
import { readCaBundle } from "../provider/settings";
import {
  CA_DIR,
  CA_KEY,
  DEFAULT_NAMESPACE,
  DEFAULT_RESYNC,
  defaultLeaseName,
  HEALTH_PATH,
  LISTEN_PORT,
  READY_PATH,
  SYNC_NODE_OPTIONS,
  syncArgProblems,
  syncCommandLine,
} from "./syncCommand";
import type { AviConnectionArgs } from "./types";

export {
  type ApiRequest,
  clusterRules,
  leaseNamespaceRules,
  type PolicyRuleData,
  permits,
  type RbacVerb,
  SYNC_PERMISSIONS,
  type SyncPermission,
} from "../provider/kube/rbac";
export {
  defaultLeaseName,
  LISTEN_PORT,
  SYNC_NODE_OPTIONS,
  type SyncCommandValues,
  syncCommandLine,
} from "./syncCommand";

/** The controller connection of the sync: controller and username required, one of password or token. */
export type AviK8sSyncControllerArgs = AviConnectionArgs & {
  controller: pulumi.Input<string>;
  username: pulumi.Input<string>;
};

/** An existing ConfigMap or Secret in the sync's namespace holding the controller's CA (PEM) under `key`. */
export type CaBundleRef = { configMap: string; key?: string } | { secret: string; key?: string };

export interface AviK8sSyncArgs {
  /** The cluster name the resources use (`--cluster`): the sync manages only what resources of it created. */
  cluster: pulumi.Input<string>;
  /** The image to run: this package installed with ENTRYPOINT `avi-k8s sync` (the repository's Dockerfile). */
  image: pulumi.Input<string>;
  imagePullPolicy?: pulumi.Input<string>;
  /** Names of Secrets in the namespace for pulling the image. */
  imagePullSecrets?: pulumi.Input<string>[];
  /** Namespace of the sync, its Secret and its Lease; default "avi-k8s". */
  namespace?: pulumi.Input<string>;
  /** Create the namespace (default true, labelled for the "restricted" Pod Security Standard). */
  createNamespace?: boolean;
  /** Default 2: one leader writes, the other takes over within the lease duration. */
  replicas?: number;
  /**
   * The controller. Use an Avi user that may only edit pools and the VRF's static routes. The password or token
   * should be a secret (config.requireSecret); it goes only into a Kubernetes Secret. `caBundle` is PEM text, or
   * the path of a PEM file on the machine running Pulumi; it is mounted from a ConfigMap.
   */
  avi: AviK8sSyncControllerArgs;
  /** The CA from an existing ConfigMap or Secret instead of `avi.caBundle`. */
  caBundleRef?: CaBundleRef;
  /** Full resync period (`--resync`), e.g. "10m" (the default). */
  resync?: pulumi.Input<string>;
  /** The leader Lease's name; default `avi-k8s-sync-<cluster>`, as `avi-k8s sync` defaults it (defaultLeaseName). */
  leaseName?: pulumi.Input<string>;
  /** The loadBalancerClass the resources answer to (`--load-balancer-class`), when not avi-k8s.io/lb. */
  loadBalancerClass?: pulumi.Input<string>;
  /** Default requests 50m CPU and 128Mi, limit 512Mi; no CPU limit, so a rollout wave is not throttled. */
  resources?: k8s.types.input.core.v1.ResourceRequirements;
  nodeSelector?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  tolerations?: pulumi.Input<k8s.types.input.core.v1.Toleration>[];
  /** A PodDisruptionBudget keeping one pod through drains (default true when replicas > 1). */
  podDisruptionBudget?: boolean;
}

const DEFAULT_RESOURCES = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } };

export class AviK8sSync extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly leaseName: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly clusterRoleName: pulumi.Output<string>;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly credentials: k8s.core.v1.Secret;

  constructor(name: string, args: AviK8sSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is registered: a bad argument leaves nothing behind.
    const avi = args.avi ?? ({} as AviK8sSyncControllerArgs);
    const problems = syncArgProblems({
      name,
      cluster: args.cluster,
      namespace: args.namespace,
      leaseName: args.leaseName,
      resync: args.resync,
      controller: avi.controller,
      username: avi.username,
      image: args.image,
      hasPassword: avi.password !== undefined,
      hasToken: avi.token !== undefined,
      ...(args.replicas !== undefined ? { replicas: args.replicas } : {}),
    });
    if (args.caBundleRef && avi.caBundle !== undefined) problems.push("give avi.caBundle or caBundleRef, not both.");
    if (problems.length > 0) throw new Error(`AviK8sSync ${name}: ${problems.join(" ")}`);
    super("avi-k8s:index:AviK8sSync", name, {}, opts);

    const child = { parent: this };
    const labels = { "app.kubernetes.io/name": "avi-k8s-sync", "app.kubernetes.io/instance": name };
    const requested = args.namespace ?? DEFAULT_NAMESPACE;
    const namespace =
      args.createNamespace === false
        ? pulumi.output(requested)
        : new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
              metadata: {
                name: requested,
                labels: {
                  "pod-security.kubernetes.io/enforce": "restricted",
                  "app.kubernetes.io/part-of": "avi-k8s-sync",
                },
              },
            },
            child,
          ).metadata.name;
    const meta = { name, namespace, labels };
    this.namespace = namespace;
    this.leaseName = pulumi.output(args.leaseName ?? pulumi.output(args.cluster).apply(defaultLeaseName));

    const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta }, child);
    const subjects = [{ kind: "ServiceAccount", name: account.metadata.name, namespace }];
    // Cluster-scoped: auto-named, so two syncs in one cluster (two controllers) do not collide.
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-cluster-role`,
      { metadata: { labels }, rules: clusterRules() },
      child,
    );
    const clusterBinding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-cluster-binding`,
      {
        metadata: { labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects,
      },
      child,
    );
    const leaseRole = new k8s.rbac.v1.Role(
      `${name}-lease-role`,
      { metadata: meta, rules: this.leaseName.apply((n) => leaseNamespaceRules(n)) },
      child,
    );
    const leaseBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-lease-binding`,
      {
        metadata: meta,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: leaseRole.metadata.name },
        subjects,
      },
      child,
    );

    // Auto-named: new credentials make a new Secret, and so a rollout that reads them.
    const secretKey = avi.token !== undefined ? "AVI_AUTH_TOKEN" : "AVI_PASSWORD";
    this.credentials = new k8s.core.v1.Secret(
      `${name}-avi`,
      {
        metadata: { namespace, labels },
        type: "Opaque",
        stringData: {
          AVI_USERNAME: pulumi.secret(avi.username),
          [secretKey]: pulumi.secret((avi.token ?? avi.password) as pulumi.Input<string>),
        },
      },
      child,
    );
    const fromSecret = (key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: this.credentials.metadata.name, key } },
    });

    const volumes: k8s.types.input.core.v1.Volume[] = [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
    let caFile: string | undefined;
    if (avi.caBundle !== undefined || args.caBundleRef) {
      caFile = `${CA_DIR}/${CA_KEY}`;
      mounts.push({ name: "avi-ca", mountPath: CA_DIR, readOnly: true });
      volumes.push({ name: "avi-ca", ...this.caVolume(name, avi.caBundle, args.caBundleRef, namespace, labels) });
    }

    const container: k8s.types.input.core.v1.Container = {
      name: "sync",
      image: args.image,
      imagePullPolicy: args.imagePullPolicy,
      args: pulumi
        .output({
          cluster: args.cluster,
          leaseNamespace: namespace,
          leaseName: this.leaseName,
          resync: args.resync ?? DEFAULT_RESYNC,
          controller: avi.controller,
          tenant: avi.tenant,
          apiVersion: avi.apiVersion,
          insecure: avi.insecure,
          loadBalancerClass: args.loadBalancerClass,
        })
        .apply(({ tenant, apiVersion, insecure, loadBalancerClass, ...required }) =>
          syncCommandLine({
            ...required,
            ...(loadBalancerClass ? { loadBalancerClass } : {}),
            ...(tenant ? { tenant } : {}),
            ...(apiVersion ? { apiVersion } : {}),
            ...(caFile ? { caFile } : {}),
            ...(insecure ? { insecure } : {}),
          }),
        ),
      env: [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        // The heap the sync's memory figures are measured with (bench/): without it V8 sizes the heap from the
        // node's memory, not the container's limit, and collects too late.
        { name: "NODE_OPTIONS", value: SYNC_NODE_OPTIONS },
        fromSecret("AVI_USERNAME"),
        fromSecret(secretKey),
      ],
      ports: [{ name: "http", containerPort: LISTEN_PORT, protocol: "TCP" }],
      livenessProbe: {
        httpGet: { path: HEALTH_PATH, port: "http" },
        initialDelaySeconds: 10,
        periodSeconds: 10,
        timeoutSeconds: 3,
        failureThreshold: 3,
      },
      readinessProbe: { httpGet: { path: READY_PATH, port: "http" }, periodSeconds: 5, timeoutSeconds: 3 },
      resources: args.resources ?? DEFAULT_RESOURCES,
      securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      volumeMounts: mounts,
    };

    const replicas = args.replicas ?? 2;
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta,
        spec: {
          replicas,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: account.metadata.name,
              automountServiceAccountToken: true,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [container],
              volumes,
              imagePullSecrets: args.imagePullSecrets?.map((n) => ({ name: n })),
              nodeSelector: args.nodeSelector,
              tolerations: args.tolerations,
              // The standby belongs on another node, or one node failure takes both.
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: {
                        labelSelector: { matchLabels: labels },
                        topologyKey: "kubernetes.io/hostname",
                      },
                    },
                  ],
                },
              },
            },
          },
        },
      },
      // Started before its bindings exist, the pods would crash-loop on 403s until they do.
      { parent: this, dependsOn: [clusterBinding, leaseBinding] },
    );

    if (args.podDisruptionBudget ?? replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: meta,
          // An unready pod (a standby that has not synced) must not block a node drain.
          spec: { minAvailable: 1, selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        },
        child,
      );
    }

    this.serviceAccountName = account.metadata.name;
    this.deploymentName = this.deployment.metadata.name;
    this.clusterRoleName = clusterRole.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      leaseName: this.leaseName,
      deploymentName: this.deploymentName,
      clusterRoleName: this.clusterRoleName,
    });
  }

  /** The CA volume: a ConfigMap made from `caBundle` (a CA is not secret), or the referenced object. */
  private caVolume(
    name: string,
    caBundle: pulumi.Input<string> | undefined,
    ref: CaBundleRef | undefined,
    namespace: pulumi.Input<string>,
    labels: Record<string, string>,
  ): Omit<k8s.types.input.core.v1.Volume, "name"> {
    if (ref) {
      const items = [{ key: ref.key ?? CA_KEY, path: CA_KEY }];
      return "configMap" in ref
        ? { configMap: { name: ref.configMap, items } }
        : { secret: { secretName: ref.secret, items } };
    }
    const ca = new k8s.core.v1.ConfigMap(
      `${name}-ca`,
      {
        metadata: { namespace, labels },
        data: { [CA_KEY]: pulumi.output(caBundle as pulumi.Input<string>).apply(readCaBundle) },
      },
      { parent: this },
    );
    return { configMap: { name: ca.metadata.name, items: [{ key: CA_KEY, path: CA_KEY }] } };
  }
}
