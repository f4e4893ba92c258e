// Issue 13's question on one cheek, now with the dose rule: what the old rule (a pass = a contact
// episode, counted here from the firmware's needling_start events: each is one) would have counted
// for a clinical session, against the dose the firmware counts and the dose the skin really got.
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import type { Profile } from "../../core/profile"
import { runClosedLoop } from "../../sim/closedloop"
import { doseAtLock } from "../../sim/judge-dose"
import { coverageFraction, renderSkinAscii } from "../../sim/plant/skin"
import { clinicalArea } from "../../sim/scenarios/dose"

const profile = FACTORY_PROFILE as unknown as Profile

describe("dose against the old pass count", () => {
    test("a clinical cheek session to a 1-pass limit: a dozen contact episodes, one pass of dose, locked when the skin has it", () => {
        const seed = 13
        const r = runClosedLoop(profile, clinicalArea("cheeks", { passLimit: 1, seed }), { traceEveryMs: 0 })
        const l = doseAtLock(profile, r, "cheeks")!
        const episodes = r.events.filter((e) => e.kind === "needling_start" && e.atMs <= l.lockAtMs).length
        const skin = r.skin!.cheeks
        const perPass = FACTORY_PROFILE.areas.filter((a) => a.id === "cheeks")[0].passDensityPerCm2
        const coveredAtEnd = coverageFraction(skin.map, perPass / 2)

        // the figures and the map, for a person: PEN_VERBOSE=1 npx vitest run test/sim/doseVsPasses.test.ts
        if (process.env.PEN_VERBOSE) console.log(
            [
                `cheek, seed ${seed}: locked at ${(l.lockAtMs / 1000).toFixed(0)} s after ${episodes} contact episodes (the old rule's passes; its limit was 3)`,
                `  firmware ${l.firmwarePasses.toFixed(2)} passes = ${Math.round(l.firmwarePerCm2)}/cm²; true mean ${Math.round(l.truePerCm2)}/cm² (${(100 * l.error).toFixed(1)} %), ` +
                    `${(coveredAtEnd * 100).toFixed(0)} % of the cheek had half a pass or more`,
                renderSkinAscii(skin.map, { title: "  the true density map:" }),
            ].join("\n"),
        )

        // the old rule would have locked after its third episode, long before one pass of dose
        expect(episodes).toBeGreaterThan(10)
        expect(l.firmwarePasses).toBeGreaterThanOrEqual(1)
        expect(Math.abs(l.error)).toBeLessThan(0.15)
        // the lock comes when most of the cheek has had a good share of its pass (the old rule: < 25 %)
        expect(coveredAtEnd).toBeGreaterThan(0.6)
    })
})
