// `npm run build`'s check of devs.json (or the file given): the firmware's own range checks
// (core/validate.ts checkProfile, which it runs again at start-up) and the dose numbers against
// each other (checkDoseScale: the firmware does not carry that one; the dose numbers come only from
// devs.json). Exits 1 with the first problem, so a profile that fails builds nothing.
// Usage: tsx tools/check-profile.ts [devs.json]
import { readFileSync } from "node:fs"
import { Profile } from "../core/profile"
import { checkDoseScale, checkProfile } from "../core/validate"

const file = process.argv[2] ?? "devs.json"
const p = JSON.parse(readFileSync(file, "utf8")) as Profile
const why = checkProfile(p) || checkDoseScale(p)
if (why !== "") {
    process.stderr.write(`${file}: ${why}\n`)
    process.exit(1)
}
