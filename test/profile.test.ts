// devs.json is the one source of truth; the firmware gets it as src/profile.g.ts.
import { readFileSync } from "node:fs"
import { describe, expect, test } from "vitest"
import { renderProfile } from "../tools/gen-profile.mjs"
import { DEPTH_MAX_MM, PASS_LIMIT_MAX } from "../core/limits"
import { checkLoadCell, checkProfile } from "../core/validate"
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
