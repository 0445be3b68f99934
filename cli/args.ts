// Command-line parsing shared by the subcommands. Node's parseArgs answers a typo or a missing value with text
// written for programmers ("argument is ambiguous", "Unknown option"); a user gets one sentence that names the
// option, what was wrong and, where we can tell, the fix, then the pointer to --help (not the whole help text).
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type ParsedArgs =
  | { ok: true; values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }
  | { ok: false; message: string };

/** Options that look like settings but must not be given on a command line: where they go instead. */
const PASSWORD = "the password goes in the environment variable AVI_PASSWORD (other users can read a command line)";
const TOKEN = "an API token goes in the environment variable AVI_AUTH_TOKEN (other users can read a command line)";
const NOT_A_FLAG: Record<string, string> = {
  "avi-password": PASSWORD,
  password: PASSWORD,
  "avi-token": TOKEN,
  "avi-auth-token": TOKEN,
  token: TOKEN,
};

/** Edit distance, for "did you mean": options are short, so the quadratic table is fine. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number;
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] as number;
}

/** The known option closest to a mistyped one, when it is close enough to be what was meant. */
export function closestOption(name: string, options: Options): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const known of Object.keys(options)) {
    const d = distance(name, known);
    if (!best || d < best.d) best = { name: known, d };
  }
  // One edit for short names, two (a swapped pair of letters) from four letters on.
  return best && best.d <= (name.length >= 4 ? 2 : 1) ? best.name : undefined;
}

function explain(err: { code?: string; message?: string }, options: Options): string {
  const text = err.message ?? String(err);
  const option = /'(--?[^' <]+)/.exec(text)?.[1];
  const name = option?.replace(/^-+/, "") ?? "";
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const instead = NOT_A_FLAG[name];
      if (instead) return `${option} is not an option: ${instead}`;
      const near = closestOption(name, options);
      return near ? `unknown option ${option} (did you mean --${near}?)` : `unknown option ${option}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(text)) return `${option} takes no value`;
      // "argument missing" (last on the line) and "argument is ambiguous" (followed by another option).
      return `${option} needs a value (for example ${option} ${placeholder(name)})`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL": {
      const arg = /'([^']*)'/.exec(text)?.[1] ?? "";
      return `unexpected argument '${arg}' (options start with --)`;
    }
    default:
      return text.split("\n")[0] ?? text;
  }
}

function placeholder(name: string): string {
  if (name === "cluster") return "prod-east";
  if (name === "service") return "default/web";
  if (name.endsWith("controller")) return "https://avi.example.com";
  if (name === "kubeconfig") return "~/.kube/config";
  return "VALUE";
}

/** parseArgs, with its errors turned into one sentence a user can act on. */
export function parseCommandArgs(argv: string[], options: Options, allowPositionals = false): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { ok: true, values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    return { ok: false, message: explain(err as { code?: string; message?: string }, options) };
  }
}

/** The one line a usage error prints: the sentence and where the options are listed. */
export function usageError(command: string, message: string): string {
  const sentence = message.replace(/[.\s]*$/, "");
  return `avi-k8s ${command}: ${sentence}; see avi-k8s ${command} --help.`;
}
