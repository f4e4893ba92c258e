// Generates src/profile.g.ts from devs.json: the DeviceScript compiler cannot import JSON, so the
// firmware gets the pen profile as a TypeScript constant. test/profile.test.ts fails when the two
// disagree. Usage: node tools/gen-profile.mjs [--check]
// The constant is an object literal (code, ~1.2 KB more than a JSON string parsed at start-up), not
// JSON.parse: the parsed objects take 3.4 KB more of the VM's 64 KB heap (live set 36.0 against
// 32.6 KB, measured with bench/tick.ts), and the heap is the tighter budget
// (docs/DEVICESCRIPT-NOTES.md, "Image size").
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { writeOrCheck } from "./generated.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const OUT = join(root, "src/profile.g.ts")

export function renderProfile(json) {
    const profile = JSON.parse(json)
    return [
        "// GENERATED from devs.json by tools/gen-profile.mjs: do not edit, run `npm run build`.",
        'import { Profile } from "../core/profile"',
        "",
        `export const FACTORY_PROFILE: Profile = ${JSON.stringify(profile, null, 4)}`,
        "",
    ].join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const want = renderProfile(readFileSync(join(root, "devs.json"), "utf8"))
    writeOrCheck(OUT, want, "src/profile.g.ts is out of date with devs.json: run `npm run build`")
}
