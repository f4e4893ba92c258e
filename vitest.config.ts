import { relative } from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"

const ROOT = fileURLToPath(new URL(".", import.meta.url))

/**
 * The longest Node-side files (seconds on a 2-core machine, 2026-12-05), started first so the
 * workers end together: vitest's own order on a clean clone is by file size. The
 * firmware-in-the-loop files run one vitest process each, ordered by tools/test-all.mjs FIL_SECONDS
 */
const LONG_FILES: Record<string, number> = {
    "test/console/e2e.test.ts": 55,
    "test/boards/boards.test.ts": 41,
    "test/sim/dwell.test.ts": 33,
}

class LongestFirst extends BaseSequencer {
    async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
        const seconds = (f: TestSpecification) => LONG_FILES[relative(ROOT, f.moduleId).replace(/\\/g, "/")] ?? 0
        // stable: the rest keep vitest's order (failed first, then the longest last time, or the largest)
        return (await super.sort(files)).sort((a, b) => seconds(b) - seconds(a))
    }
}

// test/core/*.test.ts import `@devicescript/test` so the same files also run inside the
// DeviceScript VM (tools/vm-test.mjs); under vitest that name means our shim. Exact match only:
// `@devicescript/test/...` subpaths are VM-only (test/kit/vm-harness.ts).
// Other folders (test/fil, test/sim, ...) import from "vitest" directly and are unaffected.
export default defineConfig({
    resolve: {
        alias: [
            {
                find: /^@devicescript\/test$/,
                replacement: fileURLToPath(new URL("./test/kit/vitest-shim.ts", import.meta.url)),
            },
        ],
    },
    test: {
        include: ["test/**/*.test.ts"],
        setupFiles: ["test/kit/scratch-cleanup.ts"],
        // default pool (forks); tools/test-all.mjs sets the workers (three for the Node tests, which
        // run beside the VM suite). Simulations that take ~1-3 s alone take longer beside other
        // work: 30 s, not vitest's 5 s, before a test counts as hung
        testTimeout: 30000,
        sequence: { sequencer: LongestFirst },
    },
})
