// Placeholder replaced by the placement work (issue 4): `avi-k8s plan`.
export async function runPlan(_argv: string[]): Promise<number> {
  console.error("avi-k8s plan: not built yet");
  return 1;
}
