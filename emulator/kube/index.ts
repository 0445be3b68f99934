// Placeholder replaced by the Kubernetes emulator work (issue 3): keep this exported signature.
export interface KubeEmulatorOptions {
  port?: number;
  /** A fixture file (kubectl get -o yaml List format); the seed topology when omitted. */
  topology?: string;
}
export interface KubeEmulator {
  url: string;
  kubeconfig: string;
  token: string;
  caFile: string;
  stop(): Promise<void>;
}
export async function startKubeEmulator(_options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  throw new Error("the Kubernetes emulator is not built yet");
}
