// The engine-protocol harness: stands in for the Pulumi engine as emulator/avi and emulator/kube stand in for the
// servers. Used by tests and the demo; it knows nothing of this project's resources.
export { providerOf, type SerializedProvider, serializeProvider } from "./capture";
export {
  type CheckResult,
  type DiffResult,
  HostCallError,
  type ProviderHost,
  type ReadResult,
  type ResourceRef,
  type StartHostOptions,
  startProviderHost,
} from "./host";
export {
  CheckFailures,
  createStack,
  type ImportOptions,
  ImportMismatch,
  type Operation,
  type PreviewStep,
  type ResourceState,
  type Stack,
} from "./stack";
export {
  CheckFailedError,
  type LoadedProvider,
  loadProvider,
  type MockEngineOptions,
  type MockRun,
  type Props,
  type RegisteredResource,
  runProgram,
  type StackConfig,
  settle,
  stackConfig,
} from "./mocks";
export {
  containsUnknown,
  isSecretEnvelope,
  type Json,
  SECRET_SIG,
  SIG_KEY,
  secretKeys,
  stripSecrets,
  structRoundTrip,
  UNKNOWN,
} from "./wire";
