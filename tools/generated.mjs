// The last step of a generator (tools/gen-*.mjs): write the generated file, or with --check exit
// 1 when the committed one differs from what would be written.
import { readFileSync, writeFileSync } from "node:fs"

/** `staleMessage` says which file is stale and how to regenerate it */
export function writeOrCheck(out, want, staleMessage) {
    if (!process.argv.includes("--check")) {
        writeFileSync(out, want)
        return
    }
    let have = ""
    try {
        have = readFileSync(out, "utf8")
    } catch {}
    if (have !== want) {
        console.error(staleMessage)
        process.exit(1)
    }
}
