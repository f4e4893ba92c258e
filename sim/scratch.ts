// Scratch directories (a VM's working directory, a test's files): made under the OS temp directory
// and removed when the process exits, so a test run leaves nothing behind (each npm test left ~70 VM
// directories in /tmp before, 2026-12-05).
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const made: string[] = []
let hooked = false

/** removes every scratch directory made so far (vitest's setup file calls it after each test file; a process's exit does too) */
export function removeScratchDirs() {
    for (const d of made.splice(0)) {
        try {
            rmSync(d, { recursive: true, force: true })
        } catch {
            // a VM killed at exit may still hold a file open: what is left is the OS's to clean
        }
    }
}

/** a new empty directory `<tmp>/<prefix>XXXXXX`, removed by removeScratchDirs (after each test file, or at this process's exit) */
export function scratchDir(prefix: string): string {
    if (!hooked) {
        hooked = true
        process.on("exit", removeScratchDirs)
    }
    const d = mkdtempSync(join(tmpdir(), prefix))
    made.push(d)
    return d
}
