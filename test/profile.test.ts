// devs.json is the one source of truth; the firmware gets it as src/profile.g.ts.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { renderProfile } from "../tools/gen-profile.mjs"
import { DEPTH_MAX_MM, PASS_LIMIT_MAX, STROKE_PASS_SHARE_MAX } from "../core/limits"
import { checkDoseScale, checkLoadCell, checkProfile } from "../core/validate"
import { FACTORY_PROFILE } from "../src/profile.g"

const json = readFileSync(new URL("../devs.json", import.meta.url), "utf8")

describe("pen profile", () => {
    test("src/profile.g.ts is what devs.json generates (run `npm run build` after editing devs.json)", () => {
        const committed = readFileSync(new URL("../src/profile.g.ts", import.meta.url), "utf8")
        expect(committed).toBe(renderProfile(json))
        expect(FACTORY_PROFILE).toEqual(JSON.parse(json))
    })

    test("H1 the factory profile passes the same validation the core applies at boot", () => {
        expect(checkProfile(FACTORY_PROFILE)).toBe("")
        expect(checkLoadCell(FACTORY_PROFILE.force), "devs.json force.loadCell (the load-cell build checks it at start)").toBe("")
    })

    test("H3 H14 the dose numbers against each other: one stroke of any cartridge is at most 1 % of any area's pass; a small area with many needles is refused, and the build stops on it", () => {
        expect(checkDoseScale(FACTORY_PROFILE)).toBe("")
        expect(STROKE_PASS_SHARE_MAX).toBe(0.01)
        // each number within its own range, together one stroke is 0.64 of a pass
        const bad = JSON.parse(json)
        bad.areas[0].areaCm2 = 1
        bad.areas[0].passDensityPerCm2 = 100
        bad.cartridges = [{ id: "n64", needles: 64, footprintMm: 9 }]
        bad.dose.cartridge = "n64"
        expect(checkProfile(bad)).toBe("")
        const why = checkDoseScale(bad)
        expect(why).toContain(`area ${bad.areas[0].id} with cartridge n64: one stroke of 64 needles is 0.640 of a pass`)
        // the edge: exactly 1 % passes, just above is refused
        bad.cartridges[0].needles = 1
        expect(checkDoseScale(bad)).toBe("")
        bad.cartridges[0].needles = 2
        expect(checkDoseScale(bad)).toContain("0.020 of a pass")
        // `npm run build` runs tools/check-profile.ts before devs build
        const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
        expect(pkg.scripts.build).toMatch(/gen-profile\.mjs && tsx tools\/check-profile\.ts && devs build/)
        const dir = mkdtempSync(join(tmpdir(), "profile-"))
        try {
            const file = join(dir, "devs.json")
            bad.cartridges[0].needles = 64
            writeFileSync(file, JSON.stringify(bad))
            const tsx = join(process.cwd(), "node_modules/.bin/tsx")
            const refused = spawnSync(tsx, ["tools/check-profile.ts", file], { encoding: "utf8" })
            expect(refused.status).toBe(1)
            expect(refused.stderr).toContain("one stroke of 64 needles is 0.640 of a pass")
            const shipped = spawnSync(tsx, ["tools/check-profile.ts"], { encoding: "utf8" })
            expect(shipped.stderr).toBe("")
            expect(shipped.status).toBe(0)
        } finally {
            rmSync(dir, { recursive: true, force: true })
        }
    })

    test("H1 delicate areas are capped far below cheeks and body, all within the hard maximum", () => {
        const cap = (id: string) => FACTORY_PROFILE.areas.find((a) => a.id === id)!.depthCapMm
        for (const a of FACTORY_PROFILE.areas) {
            expect(a.depthCapMm).toBeLessThanOrEqual(DEPTH_MAX_MM)
            expect(a.preset.passLimit).toBeLessThanOrEqual(PASS_LIMIT_MAX)
        }
        expect(cap("periorbital")).toBeLessThanOrEqual(0.5)
        expect(cap("nose")).toBeLessThanOrEqual(0.5)
        expect(cap("cheeks")).toBeGreaterThanOrEqual(4 * cap("periorbital"))
    })

    test("H1 a profile with a cap above the hard maximum is refused", () => {
        const bad = JSON.parse(json)
        bad.areas[0].depthCapMm = 3.5
        expect(checkProfile(bad)).toContain("at most 3.00 mm")
        const bad2 = JSON.parse(json)
        bad2.areas[1].preset.passLimit = 4
        expect(checkProfile(bad2)).toContain("pass limit 4 is outside 1..3")
    })
})
