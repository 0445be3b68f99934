// Named starting states for the emulator, loaded through the same object operations as HTTP requests (so the
// controller's defaults, ref resolution and validation apply exactly as they would to the real writer):
//   ako          the seed cluster `demo` as AKO 2.2.1 leaves it: Service default/web on VIP 10.10.10.50, its pool
//                of the 4 pod IPs, L4 policy set and VS, Default-Group labelled clustername=demo, and the 2 routes
//   ako-foreign  ako plus what import must refuse or leave alone: an unlabelled route made by hand, cluster
//                `other` (its SE group, route and VS other--default-web), and a VS named like AKO's
//                (demo--default-api) that carries no markers
import { type AkoCluster, akoPrerequisites, akoSteps, type FixtureStep, stableUuid4 } from "./ako";
import { ApiError, clone, type Obj } from "./json";
import type { Limits } from "./models";
import { createObject, type OpContext, patchObject, replaceObject, resolveTenant } from "./objects";
import { findByName } from "./refs";
import type { State } from "./store";

export type { FixtureStep } from "./ako";

export const AVI_FIXTURES = ["ako", "ako-foreign"] as const;
export type AviFixtureName = (typeof AVI_FIXTURES)[number];

/** The seed topology (emulator/kube/fixtures/seed.yaml) as AKO with clusterName `demo` sees it. */
export const SEED_AKO_CLUSTER: AkoCluster = {
  cluster: "demo",
  vipNetwork: { name: "vip-net", cidr: "10.10.10.0/24" },
  nodes: [
    { name: "node1", ip: "10.100.1.101", podCidrs: ["192.168.101.0/24"] },
    { name: "node2", ip: "10.100.1.102", podCidrs: ["192.168.102.0/24"] },
  ],
  services: [
    {
      namespace: "default",
      name: "web",
      vip: "10.10.10.50",
      ports: [
        {
          port: 80,
          protocol: "TCP",
          targetPort: 8080,
          endpoints: [
            { ip: "192.168.101.13", node: "node1" },
            { ip: "192.168.101.22", node: "node1" },
            { ip: "192.168.102.17", node: "node2" },
            { ip: "192.168.102.36", node: "node2" },
          ],
        },
      ],
    },
  ],
};

/** A second AKO cluster on the same controller, VRF and VIP network, with its own SE group. */
export const OTHER_AKO_CLUSTER: AkoCluster = {
  cluster: "other",
  seGroup: "other-seg",
  vipNetwork: { name: "vip-net", cidr: "10.10.10.0/24" },
  nodes: [{ name: "other-node1", ip: "10.100.2.101", podCidrs: ["192.168.201.0/24"] }],
  services: [
    {
      namespace: "default",
      name: "web",
      vip: "10.10.10.60",
      ports: [
        { port: 80, protocol: "TCP", targetPort: 8080, endpoints: [{ ip: "192.168.201.10", node: "other-node1" }] },
      ],
    },
  ],
};

/** Made by hand: a route without labels, and an L4 VS named like AKO's but without markers or created_by. */
const HAND_MADE: FixtureStep[] = [
  {
    op: "patch",
    type: "vrfcontext",
    name: "global",
    body: {
      add: {
        static_routes: [
          {
            route_id: "1",
            prefix: { ip_addr: { addr: "10.200.0.0", type: "V4" }, mask: 16 },
            next_hop: { addr: "10.100.1.1", type: "V4" },
          },
        ],
      },
    },
  },
  {
    op: "create",
    type: "vsvip",
    body: { name: "demo--default-api", vip: [{ ip_address: { addr: "10.10.10.70", type: "V4" } }] },
  },
  {
    op: "create",
    type: "pool",
    body: {
      name: "demo--default-api-TCP-8081",
      servers: [{ ip: { addr: "192.168.101.40", type: "V4" }, port: 9090 }],
      health_monitor_refs: ["/api/healthmonitor?name=System-TCP"],
    },
  },
  {
    op: "create",
    type: "virtualservice",
    body: {
      name: "demo--default-api",
      vsvip_ref: "/api/vsvip?name=demo--default-api",
      pool_ref: "/api/pool?name=demo--default-api-TCP-8081",
      services: [{ port: 8081 }],
      application_profile_ref: "/api/applicationprofile?name=System-L4-Application",
    },
  },
];

export function aviFixture(name: AviFixtureName): FixtureStep[] {
  if (!AVI_FIXTURES.includes(name)) {
    throw new Error(`unknown Avi fixture '${name}' (expected one of ${AVI_FIXTURES.join(", ")})`);
  }
  const ako = [...akoPrerequisites(SEED_AKO_CLUSTER), ...akoSteps(SEED_AKO_CLUSTER)];
  if (name === "ako") return ako;
  return [
    ...ako,
    ...akoPrerequisites(OTHER_AKO_CLUSTER, { network: false }),
    ...akoSteps(OTHER_AKO_CLUSTER),
    ...HAND_MADE,
  ];
}

function describe(step: FixtureStep): string {
  if (step.op === "routes") return `routes of cluster ${step.cluster} in VRF ${step.vrf}`;
  if (step.op === "create") return `create ${step.type} ${step.body.name}`;
  return `${step.op} ${step.type} ${step.name}`;
}

function run(ctx: OpContext, step: FixtureStep): void {
  if (step.op === "create") {
    const uuid = `${step.type}-${stableUuid4(`${step.type}/${ctx.tenant}/${step.body.name}`)}`;
    createObject(ctx, step.type, clone(step.body), uuid);
    return;
  }
  const name = step.op === "routes" ? step.vrf : step.name;
  const type = step.op === "routes" ? "vrfcontext" : step.type;
  const current = findByName(ctx.state, type, name, ctx.tenant);
  if (!current) throw new ApiError(404, { error: `${type} ${name} not found` });
  if (step.op === "patch") {
    patchObject(ctx, type, String(current.uuid), clone(step.body));
    return;
  }
  const next = clone(current);
  if (step.op === "update") Object.assign(next, clone(step.set));
  else {
    const theirs = (Array.isArray(next.static_routes) ? next.static_routes : []).filter(
      (r: Obj) => !r.labels?.length || (r.labels[0].key === "clustername" && r.labels[0].value !== step.cluster),
    );
    next.static_routes = [...theirs, ...clone(step.routes)];
  }
  replaceObject(ctx, type, String(current.uuid), next);
}

/**
 * Apply fixture steps to a state in order, as the writer's requests would be; throws naming the step that the
 * controller refused (a fixture that no longer loads is a bug in the fixture or the emulator).
 */
export function applyFixture(state: State, steps: FixtureStep[], limits: Limits, label = "fixture"): void {
  steps.forEach((step, i) => {
    const tenant = resolveTenant(state, step.tenant ?? "admin");
    if (!tenant)
      throw new Error(`loading the Avi ${label} failed at step ${i + 1}: tenant ${step.tenant} does not exist`);
    const ctx: OpContext = {
      state,
      tenant: String(tenant.uuid),
      tenantName: String(tenant.name),
      base: "https://127.0.0.1",
      limits,
      commit: () => {},
      injectConflict: () => false,
    };
    try {
      run(ctx, step);
    } catch (err) {
      const why = err instanceof ApiError ? `HTTP ${err.status} ${err.message}` : String(err);
      throw new Error(`loading the Avi ${label} failed at step ${i + 1} (${describe(step)}): ${why}`);
    }
  });
}
