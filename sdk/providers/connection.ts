// Where the providers' connection comes from: the resource's args first, then the stack config (`avi-k8s:*`,
// handed to the provider's configure hook), then the environment, resolved by provider/settings (the same rules as
// `avi-k8s plan`). Config and environment values are looked up again on every call and never stored or logged.
import {
  CONFIG_NAMESPACE,
  SETTING_KEYS,
  type SettingsSource,
  type SettingValues,
  settingsFromConfig as fromConfig,
  settingsFromEnv,
  spec,
} from "../../provider/settings";
import { pick } from "./canonical";

export { CONFIG_NAMESPACE };

/** Stack config values the provider was configured with. */
export type Settings = SettingValues;

/** Environment variable of each setting that has one. */
export const ENV: Partial<Record<string, string>> = Object.fromEntries(
  SETTING_KEYS.filter((k) => spec(k).env).map((k) => [k, spec(k).env]),
);

/** Called by the providers' configure(); the name is kept because stored providers call it by name. */
export function settingsFromConfig(config: { get(key: string): string | undefined }): Settings {
  return fromConfig(config);
}

/** The connection args as given (never config or environment values: those must not reach the state). */
export function connectionArgs(props: object): SettingValues {
  return pick(props as SettingValues, SETTING_KEYS);
}

/** The places a setting is looked up, in order: args (as stored in `props`), stack config, environment. */
export function sourcesOf(
  props: object,
  settings: Settings | undefined,
  env: Record<string, string | undefined> = process.env,
): SettingsSource[] {
  return [
    { kind: "args", values: connectionArgs(props) },
    { kind: "config", values: settings ?? {} },
    { kind: "env", values: settingsFromEnv(env) },
  ];
}
