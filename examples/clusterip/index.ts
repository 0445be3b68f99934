// Entry point of the top-level Pulumi project (Pulumi.yaml: main examples/clusterip). The engine runs the compiled
// file (dist/examples/clusterip/index.js, named by this folder's package.json): `npm run build` first.
import { clusterIpProgram } from "./program";

const out = clusterIpProgram();

export const vip = out.vip;
export const routes = out.routes;
export const servers = out.servers;
export const cniSource = out.cniSource;
export const conflicts = out.conflicts;
