// vitest config for mutation testing (stryker.config.json, `npm run mutate`): the fast core suites
// only. The test files are chosen here and not with Stryker's `testFiles` option, because with
// that option StrykerJS 9.6 activates static mutants (module-level constants such as the fault
// table, FAULT_TABLE) only at run time, too late for them to take effect, so no test could ever kill them.
import base from "./vitest.config"

export default {
    ...base,
    test: { ...base.test, include: ["test/core/**/*.test.ts", "test/props/**/*.test.ts"] },
}
