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

/**
 * Fingerprints (0..999982) of the profile's two force conversions: the FSR's curve (`fsr`) and the
 * load cell's zero and counts per newton (`loadCell`; a build that reads a load cell converts with
 * that alone). The pen's own calibration record carries the one it was measured against
 * (core/records.ts, src/main.ts): pasted into devs.json by `calibration export`, the calibration
 * is in the conversion and the record no longer matches, so it is not laid over it a second time;
 * nor is an FSR's calibration laid over a load cell's newtons, or the other way round.
 */
export function forceBasis(profile) {
    const f = profile.force
    const lc = f.loadCell
    return { fsr: fingerprint(["fsr", f.curve]), loadCell: fingerprint(["loadcell", lc ? lc.zeroCounts : 0, lc ? lc.countsPerN : 0]) }
}

/** a polynomial hash of the value's JSON text, modulo a prime under 10^6 (the store keeps ~6 digits) */
function fingerprint(value) {
    const text = JSON.stringify(value)
    let h = 0
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 999983
    return h
}

export function renderProfile(json) {
    const profile = JSON.parse(json)
    return [
        "// GENERATED from devs.json by tools/gen-profile.mjs: do not edit, run `npm run build`.",
        'import { Profile } from "../core/profile"',
        "",
        `export const FACTORY_PROFILE: Profile = ${JSON.stringify(profile, null, 4)}`,
        "",
        "/** the force conversions' fingerprints (tools/gen-profile.mjs forceBasis): the calibration record carries the one in use */",
        `export const FSR_BASIS = ${forceBasis(profile).fsr}`,
        `export const LOADCELL_BASIS = ${forceBasis(profile).loadCell}`,
        "",
    ].join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const want = renderProfile(readFileSync(join(root, "devs.json"), "utf8"))
    writeOrCheck(OUT, want, "src/profile.g.ts is out of date with devs.json: run `npm run build`")
}
