// Documentation derived from the schema: the README's settings table and the connection part of `plan --help`
// (tests/provider/settings checks that the README holds exactly this table).
import { configKey, SETTING_KEYS, type SettingKey, spec } from "./schema";

const code = (s: string | undefined) => (s ? `\`${s}\`` : "");

/** The markdown table of every setting, one row each, in schema order. */
export function settingsTable(): string {
  const rows = SETTING_KEYS.map((k) => {
    const s = spec(k);
    return `| ${code(`${s.group}.${s.arg}`)} | ${code(configKey(k))} | ${code(s.env)} | ${s.flag ? code(`--${s.flag}`) : ""} | ${s.secret ? "yes" : ""} | ${s.description} |`;
  });
  return [
    "| argument | stack config | environment | `avi-k8s plan` flag | secret | meaning |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** `  --avi-controller VALUE   <description> (or AVI_CONTROLLER)` for the given settings. */
export function flagHelp(keys: readonly SettingKey[]): string {
  const lines = keys.flatMap((k) => {
    const s = spec(k);
    if (!s.flag) return [];
    const left = `  --${s.flag}${s.type === "boolean" ? "" : " VALUE"}`;
    const env = s.env ? ` (or ${s.env})` : "";
    return [`${left.padEnd(26)}${s.description.replace(/`/g, "")}${env}`];
  });
  return lines.join("\n");
}
