// The sizes the bench runs: the (10 to 5,000 nodes, 30 pods a node so 150,000 at the top, pods spread
// over 100 services; the program manages 1, 10 or 100 of them; Calico with 4 blocks a node as a routes variant)
// and a quick set small enough for a test.
import type { ScenarioSpec } from "./types";

const PODS_PER_NODE = 30;

function spec(nodes: number, cni: "kubernetes" | "calico", services: number, managed: number[]): ScenarioSpec {
  const calico = cni === "calico";
  return {
    label: `${nodes}n ${calico ? "calico4" : "default"}`,
    nodes,
    pods: nodes * PODS_PER_NODE,
    clusterServices: services,
    cni,
    blocksPerNode: calico ? 4 : 1,
    managed,
  };
}

/** `only`: keep the scenarios whose label contains it (e.g. "5000n"). */
export function scenarios(quick: boolean, only?: string): ScenarioSpec[] {
  return all(quick).filter((s) => only === undefined || s.label.includes(only));
}

function all(quick: boolean): ScenarioSpec[] {
  if (quick) return [spec(10, "kubernetes", 4, [2])];
  const sizes = [10, 100, 1000, 5000];
  return [
    ...sizes.map((n) => spec(n, "kubernetes", 100, [1, 10, 100])),
    ...sizes.map((n) => spec(n, "calico", 100, [])),
  ];
}
