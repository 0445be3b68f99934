// Drives the two resources the way the Pulumi engine does, through @pulumi/pulumi's real dynamic-provider host in a
// child process: check then create; check, diff, update; delete. The state is what the engine would record.
import * as path from "node:path";
import type { AviEmulator } from "../../../emulator/avi";
import { type HostCallError, type ProviderHost, serializeProvider, startProviderHost } from "../../../emulator/engine";
import type { KubeEmulator } from "../../../emulator/kube";
import { routesProvider, virtualServiceProvider } from "../../../sdk";

export const ROUTES_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpRoutes";
export const VS_TYPE = "pulumi-nodejs:dynamic/avi-k8s:ClusterIpVirtualService";
export const ROOT = path.resolve(__dirname, "../../../..");

type Props = Record<string, unknown>;

export interface Recorded {
  id: string;
  inputs: Props;
  outputs: Props;
}

/** The engine's state for one stack: what a later `up` or `destroy` starts from. */
export interface StackState {
  routes?: Recorded;
  vs?: Recorded;
}

export interface Providers {
  routes: string;
  vs: string;
}

export async function serializedProviders(): Promise<Providers> {
  return {
    routes: (await serializeProvider(routesProvider)).text,
    vs: (await serializeProvider(virtualServiceProvider)).text,
  };
}

/** The stack config a user would set: the connection lives here, never in resource args or state. */
export function stackConfig(avi: AviEmulator, kube: KubeEmulator): Record<string, string> {
  return {
    "avi-k8s:controller": avi.url,
    "avi-k8s:username": avi.username,
    "avi-k8s:password": avi.password,
    "avi-k8s:caBundle": avi.caCert ?? "",
    "avi-k8s:kubeconfig": kube.kubeconfigContent,
  };
}

export async function startHost(config: Record<string, string>): Promise<ProviderHost> {
  const host = await startProviderHost({ cwd: ROOT, cleanEnv: true, config });
  await host.configure();
  return host;
}

export interface StackProgram {
  cluster: string;
  vip: string;
}

const routesNews = (p: Providers, s: StackProgram) => ({ __provider: p.routes, cluster: s.cluster });
const vsNews = (p: Providers, s: StackProgram) => ({
  __provider: p.vs,
  cluster: s.cluster,
  namespace: "default",
  service: "web",
  vip: { address: s.vip },
});

async function createOne(host: ProviderHost, type: string, name: string, news: Props): Promise<Recorded> {
  const checked = await host.check({ type, name, news });
  if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
  const created = await host.create({ type, name, properties: checked.inputs });
  return { id: created.id, inputs: checked.inputs, outputs: created.properties };
}

async function updateOne(
  host: ProviderHost,
  type: string,
  name: string,
  old: Recorded,
  news: Props,
): Promise<Recorded> {
  const checked = await host.check({ type, name, olds: old.inputs, news });
  if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
  const d = await host.diff({ type, name, id: old.id, olds: old.outputs, news: checked.inputs, oldInputs: old.inputs });
  if (d.changes === "none") return { ...old, inputs: checked.inputs };
  if (d.replaces.length > 0) throw new Error(`unexpected replacement of ${d.replaces.join(", ")}`);
  const updated = await host.update({ type, name, id: old.id, olds: old.outputs, news: checked.inputs });
  return { id: old.id, inputs: checked.inputs, outputs: updated.properties };
}

export type Step = (host: ProviderHost, state: StackState) => Promise<void>;

/** The resource operations of `pulumi up` (create or update) and `pulumi destroy`, in the engine's order. */
export function steps(p: Providers, s: StackProgram): Record<"create" | "update" | "delete", Step[]> {
  return {
    create: [
      async (h, st) => {
        st.routes = await createOne(h, ROUTES_TYPE, "routes", routesNews(p, s));
      },
      async (h, st) => {
        st.vs = await createOne(h, VS_TYPE, "web", vsNews(p, s));
      },
    ],
    update: [
      async (h, st) => {
        st.routes = await updateOne(h, ROUTES_TYPE, "routes", st.routes!, routesNews(p, s));
      },
      async (h, st) => {
        st.vs = await updateOne(h, VS_TYPE, "web", st.vs!, vsNews(p, s));
      },
    ],
    delete: [
      async (h, st) => {
        await h.delete({
          type: VS_TYPE,
          name: "web",
          id: st.vs!.id,
          properties: st.vs!.outputs,
          oldInputs: st.vs!.inputs,
        });
        st.vs = undefined;
      },
      async (h, st) => {
        const r = st.routes!;
        await h.delete({ type: ROUTES_TYPE, name: "routes", id: r.id, properties: r.outputs, oldInputs: r.inputs });
        st.routes = undefined;
      },
    ],
  };
}

/** Records what a failed create or update left: the engine keeps a partial failure's id and properties. */
async function recording(
  state: StackState,
  key: "routes" | "vs",
  inputs: Props,
  old: Recorded | undefined,
  work: () => Promise<Recorded>,
): Promise<void> {
  try {
    state[key] = await work();
  } catch (e) {
    const partial = (e as HostCallError).initFailed;
    if (partial) state[key] = { id: partial.id || old?.id || "", inputs, outputs: partial.properties };
    throw e;
  }
}

/**
 * One `pulumi up` (or `pulumi destroy`) from whatever the state holds, as the engine runs it again after a failed
 * run: a resource with an id in the state is updated (or deleted), one without is created; a partial failure's id
 * and properties are recorded.
 */
export async function converge(
  host: ProviderHost,
  p: Providers,
  s: StackProgram,
  state: StackState,
  op: "up" | "destroy",
): Promise<void> {
  if (op === "destroy") {
    for (const [key, type, name] of [
      ["vs", VS_TYPE, "web"],
      ["routes", ROUTES_TYPE, "routes"],
    ] as const) {
      const r = state[key];
      if (!r) continue;
      await host.delete({ type, name, id: r.id, properties: r.outputs, oldInputs: r.inputs });
      state[key] = undefined;
    }
    return;
  }
  for (const [key, type, name, news] of [
    ["routes", ROUTES_TYPE, "routes", routesNews(p, s)],
    ["vs", VS_TYPE, "web", vsNews(p, s)],
  ] as const) {
    const old = state[key];
    await recording(state, key, news, old, () =>
      old ? updateOne(host, type, name, old, news) : createOne(host, type, name, news),
    );
  }
}
