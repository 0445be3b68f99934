#!/usr/bin/env node
// avi-k8s: the package's command. Subcommands are loaded on demand so `--help` stays fast.
const USAGE = `usage: avi-k8s <command> [options]

commands:
  emulate [avi|kube]   start the Avi Controller and/or Kubernetes API emulators on 127.0.0.1
  plan                 read pod placement (and, given a controller, what it holds) and print what an apply would do
  sync                 keep the pool servers and routes of resources in membership "sync" mode current

run 'avi-k8s <command> --help' for a command's options`;

const COMMANDS = ["emulate", "plan"];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "emulate":
      return (await import("./emulate")).runEmulate(rest);
    case "plan":
      return (await import("./plan")).runPlan(rest);
    case "sync":
      return (await import("./sync")).runSync(rest);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(
        `avi-k8s: unknown command '${command}' (the commands are ${COMMANDS.join(", ")}); see avi-k8s --help.`,
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`avi-k8s: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
