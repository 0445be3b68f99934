// Loaded only by `npm run test:reliability` (.mocharc.reliability.json; .mocharc.json ignores this folder): it
// switches every campaign in tests/reliability to its full size before any test runs (mocha loads every spec file
// first), and prints the figures as the README's table once all campaigns are done.
import { allSummaries, enableFullRun, figure } from "../support/campaign";

enableFullRun();

after(() => {
  const rows = allSummaries();
  if (rows.length === 0) return;
  console.log("\n| campaign | counted | run | converged | orphans | foreign changes | secrets found | other |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const s of rows) {
    const other = Object.entries(s.extra ?? {})
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    console.log(
      `| ${s.campaign} | ${s.unit ?? "schedules"} | ${s.schedules} | ${s.converged} | ${figure(s.orphans)} | ${figure(s.foreignChanges)} | ${figure(s.secretsFound)} | ${other} |`,
    );
  }
});
