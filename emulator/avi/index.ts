// Placeholder replaced by the Avi emulator work (issue 2): keep this exported signature.
export interface AviEmulatorOptions {
  port?: number;
  stateDir?: string;
  http?: boolean;
  username?: string;
  password?: string;
}
export interface AviEmulator {
  url: string;
  username: string;
  password: string;
  caFile?: string;
  caCert?: string;
  stop(): Promise<void>;
}
export async function startAviEmulator(_options: AviEmulatorOptions = {}): Promise<AviEmulator> {
  throw new Error("the Avi emulator is not built yet");
}
