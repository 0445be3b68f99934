// Mocha's spec output, plus the one closing line CI reads: "tests: N passed, N failed".
// Plain JS because mocha loads reporters before anything is compiled.
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CiSummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      // Printed after Spec's epilogue so it is the last line.
      process.nextTick(() => {
        const skipped = s.pending ? `, ${s.pending} skipped` : "";
        process.stdout.write(`tests: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
      });
    });
  }
}
module.exports = CiSummaryReporter;
