// Generates src/profile.g.ts from devs.json: the DeviceScript compiler cannot import JSON, so the
// firmware gets the pen profile as a TypeScript constant. test/profile.test.ts fails when the two
// disagree. Usage: node tools/gen-profile.mjs [--check]
// The constant is a JSON string parsed at start-up, not an object literal: the compiler turns a
// literal into code (~4 KB of it), and the VM refuses an image whose functions reach 64 KB
// (docs/DEVICESCRIPT-NOTES.md); a string goes to the data section.
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
        `export const FACTORY_PROFILE: Profile = JSON.parse(${JSON.stringify(JSON.stringify(profile))})`,
        "",
    ].join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const want = renderProfile(readFileSync(join(root, "devs.json"), "utf8"))
    writeOrCheck(OUT, want, "src/profile.g.ts is out of date with devs.json: run `npm run build`")
}
