import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

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
        // default pool (forks); tools/test-all.mjs sets the workers (two for the Node tests, which
        // run beside the VM suite). Simulations that take ~1-3 s alone take longer beside other
        // work: 30 s, not vitest's 5 s, before a test counts as hung
        testTimeout: 30000,
    },
})
