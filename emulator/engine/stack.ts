// A tiny engine loop over a ProviderHost: what `pulumi preview`, `up`, `refresh` and `destroy` ask a dynamic
// provider, in the engine's order, with the state kept in memory. For the demo and end-to-end tests; it does not
// reproduce the engine's step generation, parallelism or secret encryption (research/pulumi.md §3).
import { HostCallError, type ProviderHost, type Props } from "./host";

export interface ResourceState {
  type: string;
  name: string;
  id: string;
  /** The checked inputs of the last create/update (rewritten by refresh when the provider returns inputs). */
  inputs: Props;
  outputs: Props;
}

export type Operation = "create" | "update" | "replace" | "same";

export interface PreviewStep {
  op: Operation;
  /** Old and new checked inputs: what `pulumi preview --diff` prints for a dynamic resource. */
  oldInputs?: Props;
  newInputs: Props;
  replaces: string[];
}

export interface Stack {
  preview(type: string, name: string, news: Props): Promise<PreviewStep>;
  up(type: string, name: string, news: Props): Promise<{ op: Operation; state: ResourceState }>;
  /** Read: the state afterwards, or undefined when the provider says the object is gone (dropped from state). */
  refresh(name: string): Promise<ResourceState | undefined>;
  destroy(name: string): Promise<void>;
  /** The `import` resource option: the resource is recorded from what exists (see importResource). */
  import(type: string, name: string, id: string, news: Props, opts?: ImportOptions): Promise<ResourceState>;
  state(name: string): ResourceState | undefined;
}

export interface ImportOptions {
  /**
   * The properties the Read request carries. The engine sends none (the request holds the id alone), and
   * @pulumi/pulumi's dynamic-provider host, 3.248 up to 3.276 at least, then fails before any provider code runs:
   * it finds the provider's code in those properties ("code must be a string"), pulumi/pulumi#16175. By default
   * the harness sends the least a host needs, `{ __provider }` from `news`; pass `{}` to send what the engine sends.
   */
  readProperties?: Props;
}

/** The engine refused the import: the provider's outputs differ from what the program declares. */
export class ImportMismatch extends Error {
  constructor(readonly resource: string) {
    super(`${resource}: inputs to import do not match the existing resource`);
    this.name = "ImportMismatch";
  }
}

/** Thrown when check() refuses the inputs, as `pulumi up` stops there. */
export class CheckFailures extends Error {
  constructor(
    readonly resource: string,
    readonly failures: { property: string; reason: string }[],
  ) {
    super(`${resource}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "CheckFailures";
  }
}

export function createStack(host: ProviderHost): Stack {
  const states = new Map<string, ResourceState>();

  async function checked(type: string, name: string, news: Props) {
    const old = states.get(name);
    const res = await host.check({ type, name, olds: old?.inputs ?? {}, news });
    if (res.failures.length > 0) throw new CheckFailures(name, res.failures);
    return res.inputs;
  }

  async function plan(type: string, name: string, news: Props): Promise<PreviewStep> {
    const newInputs = await checked(type, name, news);
    const old = states.get(name);
    if (!old) return { op: "create", newInputs, replaces: [] };
    const d = await host.diff({ type, name, id: old.id, olds: old.outputs, news: newInputs, oldInputs: old.inputs });
    const op: Operation = d.replaces.length > 0 ? "replace" : d.changes === "none" ? "same" : "update";
    return { op, oldInputs: old.inputs, newInputs, replaces: d.replaces };
  }

  /** Creates, recording a partial failure the way the engine does (the object may exist). */
  async function create(type: string, name: string, inputs: Props): Promise<ResourceState> {
    try {
      const res = await host.create({ type, name, properties: inputs });
      const state = { type, name, id: res.id, inputs, outputs: res.properties };
      states.set(name, state);
      return state;
    } catch (err) {
      if (err instanceof HostCallError && err.initFailed) {
        states.set(name, { type, name, id: err.initFailed.id, inputs, outputs: err.initFailed.properties });
      }
      throw err;
    }
  }

  async function destroy(name: string): Promise<void> {
    const old = states.get(name);
    if (!old) return;
    await host.delete({ type: old.type, name, id: old.id, properties: old.outputs, oldInputs: old.inputs });
    states.delete(name);
  }

  return {
    preview: plan,
    async up(type, name, news) {
      const step = await plan(type, name, news);
      const old = states.get(name);
      if (step.op === "create" || !old) return { op: "create", state: await create(type, name, step.newInputs) };
      if (step.op === "same") return { op: "same", state: old };
      if (step.op === "replace") {
        // The providers ask for delete-before-replace (a static VIP or a route prefix cannot be held twice).
        await destroy(name);
        return { op: "replace", state: await create(type, name, step.newInputs) };
      }
      const res = await host.update({
        type,
        name,
        id: old.id,
        olds: old.outputs,
        news: step.newInputs,
        oldInputs: old.inputs,
      });
      const state = { ...old, inputs: step.newInputs, outputs: res.properties };
      states.set(name, state);
      return { op: "update", state };
    },
    async refresh(name) {
      const old = states.get(name);
      if (!old) return undefined;
      const res = await host.read({ type: old.type, name, id: old.id, properties: old.outputs, inputs: old.inputs });
      if (!res.id) {
        states.delete(name);
        return undefined;
      }
      const state = { ...old, id: res.id, outputs: res.properties, inputs: res.inputs ?? old.inputs };
      states.set(name, state);
      return state;
    },
    destroy,
    // As the engine performs the option (pulumi/pulumi docs/architecture/deployment-execution/import.md): Read(id);
    // Check(program inputs, olds = the inputs Read returned); Diff(checked inputs, olds = the outputs Read
    // returned); any difference fails the import. Nothing is recorded unless every step succeeds.
    async import(type, name, id, news, opts = {}) {
      const properties = opts.readProperties ?? (news.__provider === undefined ? {} : { __provider: news.__provider });
      const read = await host.read({ type, name, id, properties });
      if (!read.inputs) throw new Error(`${name}: provider does not support importing resources`);
      if (Object.keys(read.properties).filter((k) => k !== "__provider").length === 0) {
        throw new Error(`${name}: resource '${id}' does not exist`);
      }
      const res = await host.check({ type, name, olds: read.inputs, news });
      if (res.failures.length > 0) throw new CheckFailures(name, res.failures);
      const newId = read.id || id;
      const d = await host.diff({
        type,
        name,
        id: newId,
        olds: read.properties,
        news: res.inputs,
        oldInputs: read.inputs,
      });
      if (d.changes !== "none") throw new ImportMismatch(name);
      const state = { type, name, id: newId, inputs: res.inputs, outputs: read.properties };
      states.set(name, state);
      return state;
    },
    state: (name) => states.get(name),
  };
}
