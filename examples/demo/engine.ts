// What the demo asks of whichever engine runs the program (the Pulumi CLI, or the engine-protocol harness).
export interface DemoEngine {
  /** One line naming the engine, printed before its first step. */
  readonly label: string;
  /** Shows what an update would do, changing nothing. */
  preview(): Promise<void>;
  /** Converges the controller to the program. */
  up(): Promise<void>;
  /** Sets the program's `membership` setting for the next preview and up ("sync": `avi-k8s sync` keeps members). */
  setMembership(membership: "pulumi" | "sync"): Promise<void>;
  /** Sets one of the program's own settings (`pulumi config set key value`) for the next preview and up. */
  setSetting(key: "mode" | "annotateService", value: string): Promise<void>;
  /** Deletes what the program created. */
  destroy(): Promise<void>;
  /** Stops every process and removes every temporary file the engine started or made; safe to call twice. */
  stop(): Promise<void>;
}

export type Say = (line: string) => void;
