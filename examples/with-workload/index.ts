// Entry point of examples/with-workload/Pulumi.yaml; the engine runs the compiled file named by package.json.
import { withWorkloadProgram } from "./program";

const out = withWorkloadProgram();

export const vip = out.vip;
export const routes = out.routes;
export const servers = out.servers;
export const service = out.service;
