// provider/settings: the connection settings (controller and Kubernetes) as one schema, and the resolvers every
// entry point uses: the SDK's resources, `avi-k8s plan` and the coming `avi-k8s sync`. Plain TypeScript, no Pulumi.
export {
  kubeSourceProblems,
  nameIn,
  type ResolvedAvi,
  type ResolvedKube,
  readCaBundle,
  resolveAvi,
  resolveKube,
  type ResolvedMode,
  resolveMode,
  type SettingProblem,
  type SettingsSource,
  type SourceKind,
  settingFlags,
  settingsFromConfig,
  settingsFromEnv,
  settingsFromFlags,
  validateSettings,
  whereToSet,
} from "./resolve";
export {
  AVI_SETTINGS,
  CONFIG_NAMESPACE,
  configKey,
  KUBE_SETTINGS,
  SECRET_SETTINGS,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingSpec,
  type SettingType,
  type SettingValues,
  spec,
} from "./schema";
export { flagHelp, settingsTable } from "./table";
