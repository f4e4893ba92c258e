// checkProfile and the preset checks (validate.ts) rule by rule: each rule refuses alone, with its
// own sentence; the first problem is the one reported, however many there are; and the edges
// that are allowed (12 areas, 12-character ids, a 3.00 mm cap, maxDuty 1, a flat force curve,
// 50 strokes/s) pass. Found by mutation testing (npm run mutate).

import { describe, test } from "@devicescript/test"
import { STROKE_MAX_HZ } from "../../core/limits"
import { Profile } from "../../core/profile"
import { checkDepth, checkLoadCell, checkPreset, checkProfile, checkStrokeHz, rangeRows } from "../../core/validate"
import { contains, eq } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { copyProfile } from "./penkit"

interface Case {
    what: string
    edit: (p: Profile) => void
    says: string
}

const FEEDBACK = "depth feedback: 0..3 mm (with the slack) must read inside ratio 0..1, so an open wiper reads as no position"
const LC_ADDR = "force.loadCell.i2cAddress must be a whole number from 8 to 119 (0x08..0x77); a NAU7802 answers at 42 (0x2a)"
const LC_CPN = "force.loadCell.countsPerN must be a whole number of at least 10000 counts per newton"
const LC_ZERO = "force.loadCell.zeroCounts must be a whole number of counts from -8388608 to 8388607"
const LC_TOP = "not below force.saturatedAboveRatio 0.970: an over-pressure must read as force, well inside the ADC range"

const CASES: Case[] = [
    { what: "no areas list", edit: (p) => { const none: any = undefined; p.areas = none }, says: "profile has no treatment areas" },
    { what: "13 areas", edit: (p) => { for (let k = 0; k < 6; k++) p.areas.push(renamed(p, k, "x" + k)) }, says: "profile has 13 areas; at most 12" },
    { what: "12 areas", edit: (p) => { for (let k = 0; k < 5; k++) p.areas.push(renamed(p, k, "x" + k)) }, says: "" },
    { what: "empty id", edit: (p) => { p.areas[0].id = "" }, says: "area 0: id must be 1..12 characters" },
    { what: "13-character id", edit: (p) => { p.areas[2].id = "abcdefghijklm" }, says: "area 2: id must be 1..12 characters" },
    { what: "an id with a space", edit: (p) => { p.areas[1].id = "hat at" }, says: "area 1: id hat at may use only a-z, 0-9, _ and - (it is a word in log lines and console commands)" },
    { what: "an id with a capital", edit: (p) => { p.areas[1].id = "Cheeks" }, says: "area 1: id Cheeks may use only a-z, 0-9, _ and - (it is a word in log lines and console commands)" },
    { what: "12-character id", edit: (p) => { p.areas[2].id = "abcdefghijkl" }, says: "" },
    { what: "an id twice", edit: (p) => { p.areas[3].id = p.areas[1].id }, says: "area id forehead appears twice" },
    { what: "cap NaN", edit: (p) => { p.areas[4].depthCapMm = NaN }, says: "area cheeks: depth cap must be above 0 and at most 3.00 mm" },
    { what: "cap 0", edit: (p) => { p.areas[4].depthCapMm = 0; p.areas[4].preset.depthMm = 0 }, says: "area cheeks: depth cap must be above 0 and at most 3.00 mm" },
    { what: "cap 3.05", edit: (p) => { p.areas[4].depthCapMm = 3.05 }, says: "area cheeks: depth cap must be above 0 and at most 3.00 mm" },
    { what: "cap 3.00", edit: (p) => { p.areas[4].depthCapMm = 3.0; p.areas[4].preset.depthMm = 3.0 }, says: "" },
    { what: "preset above its cap", edit: (p) => { p.areas[0].preset.depthMm = 0.55 }, says: "area periorbital preset: depth 0.55 mm above the periorbital cap of 0.50 mm" },
    { what: "contactN 0", edit: (p) => { p.force.contactN = 0 }, says: "force.contactN 0 is outside 0.1..2" },
    { what: "contactN -1", edit: (p) => { p.force.contactN = -1 }, says: "force.contactN -1 is outside 0.1..2" },
    { what: "releaseN 0", edit: (p) => { p.force.releaseN = 0 }, says: "force.releaseN 0 is outside 0.05..2" },
    { what: "releaseN = contactN", edit: (p) => { p.force.releaseN = p.force.contactN }, says: "force.releaseN must be below force.contactN (hysteresis)" },
    { what: "overPressureN = contactN", edit: (p) => { p.force.contactN = 1.5; p.force.overPressureN = 1.5 }, says: "force.overPressureN must be above force.contactN" },
    { what: "no curve", edit: (p) => { const none: any = undefined; p.force.curve = none }, says: "force.curve needs at least two points" },
    { what: "one curve point", edit: (p) => { p.force.curve = [[0, 0]] }, says: "force.curve needs at least two points" },
    { what: "two curve points", edit: (p) => { p.force.curve = [[0, 0], [1, 10]] }, says: "" },
    { what: "curve ratio repeated", edit: (p) => { p.force.curve = [[0, 0], [0.5, 1], [0.5, 2]] }, says: "force.curve must rise: ratios strictly ascending, newtons not falling" },
    { what: "curve newtons falling", edit: (p) => { p.force.curve = [[0, 1], [1, 0]] }, says: "force.curve must rise: ratios strictly ascending, newtons not falling" },
    { what: "curve flat in newtons", edit: (p) => { p.force.curve = [[0, 1], [0.5, 1], [1, 2]] }, says: "" },
    // force.loadCell (drivers/nau7802.ts): optional; when present, an address, a scale and a zero the ADC range holds
    { what: "no load cell", edit: (p) => { const none: any = undefined; p.force.loadCell = none }, says: "" },
    { what: "load cell address 7", edit: (p) => { p.force.loadCell.i2cAddress = 7 }, says: LC_ADDR },
    { what: "load cell address 8", edit: (p) => { p.force.loadCell.i2cAddress = 8 }, says: "" },
    { what: "load cell address 119", edit: (p) => { p.force.loadCell.i2cAddress = 119 }, says: "" },
    { what: "load cell address 120", edit: (p) => { p.force.loadCell.i2cAddress = 120 }, says: LC_ADDR },
    { what: "load cell address 42.5", edit: (p) => { p.force.loadCell.i2cAddress = 42.5 }, says: LC_ADDR },
    { what: "countsPerN 9999", edit: (p) => { p.force.loadCell.countsPerN = 9999 }, says: LC_CPN },
    { what: "countsPerN 10000", edit: (p) => { p.force.loadCell.countsPerN = 10000 }, says: "" },
    { what: "countsPerN -218982", edit: (p) => { p.force.loadCell.countsPerN = -218982 }, says: LC_CPN },
    { what: "countsPerN 218982.5", edit: (p) => { p.force.loadCell.countsPerN = 218982.5 }, says: LC_CPN },
    { what: "zeroCounts 0.5", edit: (p) => { p.force.loadCell.zeroCounts = 0.5 }, says: LC_ZERO },
    { what: "zeroCounts NaN", edit: (p) => { p.force.loadCell.zeroCounts = NaN }, says: LC_ZERO },
    { what: "zeroCounts 8388608", edit: (p) => { p.force.loadCell.zeroCounts = 8388608 }, says: LC_ZERO },
    { what: "zeroCounts -8388609", edit: (p) => { p.force.loadCell.zeroCounts = -8388609 }, says: LC_ZERO },
    { what: "zero at the negative rail", edit: (p) => { p.force.loadCell.zeroCounts = -8388608 }, says: "force.loadCell: 0 N reads ratio 0.000, not above force.openBelowRatio 0.008: an unloaded cell would read as an open circuit" },
    { what: "zero just above the open threshold", edit: (p) => { p.force.loadCell.zeroCounts = -8200000 }, says: "" },
    { what: "countsPerN 1000000: 8 N past saturation", edit: (p) => { p.force.loadCell.countsPerN = 1000000 }, says: "force.loadCell: 2 x force.overPressureN (8.00 N) reads ratio 0.977, " + LC_TOP },
    { what: "zero so high that 8 N saturates", edit: (p) => { p.force.loadCell.zeroCounts = 6200000 }, says: "force.loadCell: 2 x force.overPressureN (8.00 N) reads ratio 0.974, " + LC_TOP },
    { what: "zero high, 8 N still inside", edit: (p) => { p.force.loadCell.zeroCounts = 6000000 }, says: "" },
    { what: "curve before load cell", edit: (p) => { p.force.curve = [[0, 0]]; p.force.loadCell.countsPerN = 0 }, says: "force.curve needs at least two points" },
    { what: "the profile before the load cell", edit: (p) => { p.force.loadCell.countsPerN = 0; p.stroke.countsPerStroke = 0 }, says: "stroke.countsPerStroke 0 is outside 1..64 (whole)" },
    { what: "countsPerStroke 0", edit: (p) => { p.stroke.countsPerStroke = 0 }, says: "stroke.countsPerStroke 0 is outside 1..64 (whole)" },
    { what: "noLoadHzPerDuty 0", edit: (p) => { p.needle.noLoadHzPerDuty = 0 }, says: "needle.noLoadHzPerDuty 0 is outside 50..2000" },
    { what: "maxDuty 0", edit: (p) => { p.needle.maxDuty = 0 }, says: "needle.maxDuty 0 is outside 0.05..1" },
    { what: "maxDuty 1.01", edit: (p) => { p.needle.maxDuty = 1.01 }, says: "needle.maxDuty 1.01 is outside 0.05..1" },
    { what: "maxDuty 1", edit: (p) => { p.needle.maxDuty = 1 }, says: "" },
    { what: "degPerMm 0", edit: (p) => { p.depth.degPerMm = 0 }, says: "depth.degPerMm 0 is outside 1..60" },
    { what: "feedbackRatioPerMm 0", edit: (p) => { p.depth.feedbackRatioPerMm = 0 }, says: "depth.feedbackRatioPerMm 0 is outside 0.01..0.33" },
    { what: "feedback below ratio 0 near 0 mm", edit: (p) => { p.depth.feedbackRatioAt0Mm = 0.04 }, says: FEEDBACK },
    { what: "feedback above ratio 1 near 3 mm", edit: (p) => { p.depth.feedbackRatioAt0Mm = 0.45 }, says: FEEDBACK },
    { what: "feedback inside 0..1 with the slack", edit: (p) => { p.depth.feedbackRatioAt0Mm = 0.35 }, says: "" },
    { what: "tickMs 0", edit: (p) => { p.control.tickMs = 0 }, says: "control.tickMs 0 is outside 1..50" },
    { what: "overrunAfterMs below twice tickMs", edit: (p) => { p.control.tickMs = 10; p.control.overrunAfterMs = 19 }, says: "control.overrunAfterMs must be at least twice control.tickMs" },
    { what: "overrunAfterMs twice tickMs", edit: (p) => { p.control.tickMs = 10; p.control.overrunAfterMs = 20 }, says: "" },
    { what: "3 mm past a 90 degree servo", edit: (p) => { p.depth.degPerMm = 51 }, says: "depth: 3.00 mm must be at most a 90 degree servo angle" },
    { what: "an accelerometer rate the refused stroke rates do not cover", edit: (p) => { p.motion.odrHz = 39 }, says: "motion.odrHz must be 26 x 1, 2, 4, 8, 16 or 32 (the accelerometer's rates the refused stroke rates cover)" },
    { what: "a multiple of 26 the chip does not have", edit: (p) => { p.motion.odrHz = 78 }, says: "motion.odrHz must be 26 x 1, 2, 4, 8, 16 or 32 (the accelerometer's rates the refused stroke rates cover)" },
    { what: "an accelerometer at 832 Hz (ST: 833)", edit: (p) => { p.motion.odrHz = 832 }, says: "" },
    { what: "an accelerometer at jacdac-c's 52 Hz", edit: (p) => { p.motion.odrHz = 52 }, says: "" },
    { what: "an accelerometer at 104 Hz", edit: (p) => { p.motion.odrHz = 104 }, says: "" },
    { what: "staleAfterMs not above tickMs", edit: (p) => { p.control.tickMs = 25; p.force.staleAfterMs = 25 }, says: "force.staleAfterMs must exceed control.tickMs" },
    // everything after the first problem is wrong too: only the first is reported
    { what: "all wrong, contactN first", edit: (p) => { allWrong(p); p.force.contactN = NaN }, says: "force.contactN must be a number from 0.1 to 2" },
    { what: "all wrong, falling curve", edit: (p) => { allWrong(p); p.force.contactN = NaN; p.force.curve = [[0.5, 1], [0.2, 0]] }, says: "force.contactN must be a number from 0.1 to 2" },
    { what: "all wrong, releaseN first", edit: (p) => { allWrong(p); p.force.contactN = 1.5; p.force.releaseN = NaN }, says: "force.releaseN must be a number from 0.05 to 2" },
    { what: "all wrong, feedback range first", edit: (p) => { allWrong(p); p.force.overPressureN = 4; p.force.curve = [[0, 0], [1, 10]]; p.stroke.countsPerStroke = 12; p.needle.noLoadHzPerDuty = 217; p.needle.maxDuty = 0.95; p.depth.degPerMm = 40; p.depth.feedbackRatioPerMm = 0.18 }, says: "depth.feedbackRatioAt0Mm 2 is outside 0..1" },
    { what: "all wrong, ranges before the rules between fields", edit: (p) => { allWrong(p); p.force.releaseN = 1 }, says: "force.overPressureN 0.1 is outside 1..10" },
    { what: "hysteresis first of the rules between fields", edit: (p) => { p.force.releaseN = 1; p.force.contactN = 1; p.control.overrunAfterMs = 10 }, says: "force.releaseN must be below force.contactN (hysteresis)" },
]

function renamed(p: Profile, k: number, id: string): any {
    const a = JSON.parse(JSON.stringify(p.areas[k]))
    a.id = id
    return a
}

/** every rule after the force thresholds broken */
function allWrong(p: Profile) {
    p.force.overPressureN = 0.1
    p.force.curve = [[0, 0]]
    p.stroke.countsPerStroke = 0
    p.needle.noLoadHzPerDuty = 0
    p.needle.maxDuty = 2
    p.depth.degPerMm = 0
    p.depth.feedbackRatioPerMm = 0
    p.depth.feedbackRatioAt0Mm = 2
    p.control.tickMs = 0
    p.control.overrunAfterMs = 0
}

describe("profile check", () => {
    test("H10 each profile rule refuses with its own sentence, the first problem first, and the allowed edges pass", async () => {
        const none: any = undefined
        eq(checkProfile(none), "profile has no treatment areas", "no profile")
        eq(checkProfile(copyProfile()), "", "the factory profile")
        for (const c of CASES) {
            const p = copyProfile()
            c.edit(p)
            // as the load-cell build checks: the profile, then its load cell (drivers/loadcell.ts)
            const why = checkProfile(p)
            eq(why === "" && p.force.loadCell ? checkLoadCell(p.force) : why, c.says, c.what)
            await breathe()
        }
    })

    test("H10 the range table (text rows) reads as 49 fields, each with two numbers in order and a whole flag; overspeed sits above the fastest preset", () => {
        const rows = rangeRows()
        eq(rows.length, 49, "rows")
        for (const r of rows) {
            const what = `${r[0]}.${r[1]}`
            eq(r.length, 5, what)
            eq(r[2] <= r[3], true, `${what}: min ${r[2]} <= max ${r[3]}`)
            eq(r[4] === 0 || r[4] === 1, true, `${what}: whole flag ${r[4]}`)
        }
        const over = rows.filter((r) => r[1] === "overspeedHz")[0]
        eq(over[2], STROKE_MAX_HZ + 1, "stroke.overspeedHz min")
        eq(over[3], 2 * STROKE_MAX_HZ, "stroke.overspeedHz max")
    })

    test("H10 every number of the profile has a range: a value outside it, NaN or a fraction where whole is refused, naming the field", async () => {
        for (const r of rangeRows()) {
            const what = `${r[0]}.${r[1]}`
            const wrong: number[] = [r[2] - 1, r[3] + 1, NaN]
            if (r[4]) wrong.push(r[2] + 0.5)
            for (const x of wrong) {
                const p: any = copyProfile()
                p[r[0]][r[1]] = x
                contains(checkProfile(p), what, `${what} = ${x}`)
            }
            await breathe()
        }
    })

    test("H14 H10 cartridges, area sizes and per-pass densities out of range or missing make the profile invalid, naming the field", () => {
        const cases: Case[] = [
            { what: "no cartridges", edit: (p) => { p.cartridges = [] }, says: "profile has no cartridges: the dose rule needs each cartridge's needle count" },
            { what: "9 cartridges", edit: (p) => { for (let i = 0; i < 5; i++) p.cartridges.push({ id: "x" + i, label: "x", needles: 12, footprintMm: 7 }) }, says: "profile has 9 cartridges; at most 8" },
            { what: "0 needles", edit: (p) => { p.cartridges[1].needles = 0 }, says: "cartridge n14: needles 0 is outside 1..64 (whole)" },
            { what: "65 needles", edit: (p) => { p.cartridges[1].needles = 65 }, says: "cartridge n14: needles 65 is outside 1..64 (whole)" },
            { what: "half a needle", edit: (p) => { p.cartridges[1].needles = 12.5 }, says: "cartridge n14: needles 12.5 is outside 1..64 (whole)" },
            { what: "footprint 1 mm", edit: (p) => { p.cartridges[0].footprintMm = 1 }, says: "cartridge n12: footprintMm 1 is outside 2..15 mm" },
            { what: "footprint 16 mm", edit: (p) => { p.cartridges[0].footprintMm = 16 }, says: "cartridge n12: footprintMm 16 is outside 2..15 mm" },
            { what: "a duplicate id", edit: (p) => { p.cartridges[2].id = "n12" }, says: "cartridge id n12 appears twice" },
            { what: "an id with a space", edit: (p) => { p.cartridges[2].id = "n 24" }, says: "cartridge 2: id must be 1..12 characters of a-z, 0-9, _ and -" },
            { what: "default unknown", edit: (p) => { p.dose.cartridge = "n99" }, says: "dose.cartridge must name one of the cartridges: n12, n14, n24, n36" },
            { what: "area 0.5 cm²", edit: (p) => { p.areas[4].areaCm2 = 0.5 }, says: "area cheeks: areaCm2 0.5 is outside 1..500 cm²" },
            { what: "area 501 cm²", edit: (p) => { p.areas[4].areaCm2 = 501 }, says: "area cheeks: areaCm2 501 is outside 1..500 cm²" },
            { what: "area NaN", edit: (p) => { p.areas[4].areaCm2 = NaN }, says: "area cheeks: areaCm2 NaN is outside 1..500 cm²" },
            { what: "density 99", edit: (p) => { p.areas[0].passDensityPerCm2 = 99 }, says: "area periorbital: passDensityPerCm2 99 is outside 100..20000 punctures/cm²" },
            { what: "density 20001", edit: (p) => { p.areas[0].passDensityPerCm2 = 20001 }, says: "area periorbital: passDensityPerCm2 20001 is outside 100..20000 punctures/cm²" },
        ]
        for (const c of cases) {
            const p = copyProfile()
            c.edit(p)
            eq(checkProfile(p), c.says, c.what)
        }
        const edges = copyProfile()
        edges.cartridges[0].needles = 1
        edges.cartridges[1].needles = 64
        edges.cartridges[0].footprintMm = 2
        edges.cartridges[1].footprintMm = 15
        edges.areas[0].areaCm2 = 1
        edges.areas[1].areaCm2 = 500
        edges.areas[0].passDensityPerCm2 = 100
        edges.areas[1].passDensityPerCm2 = 20000
        eq(checkProfile(edges), "", "the edges are allowed")
    })

    test("H4 H5 H6 H10 watchdog limits and gains that would switch a safety rule off are refused", () => {
        const cases: any[][] = [
            ["force", "staleAfterMs", 1e9], ["force", "stuckAfterMs", 1e9], ["stroke", "silentAfterMs", 1e9],
            ["stroke", "overspeedHz", 1e6], ["needle", "kp", -1], ["needle", "ki", -1], ["control", "overrunAfterMs", 1e9],
        ]
        for (const c of cases) {
            const p: any = copyProfile()
            p[c[0]][c[1]] = c[2]
            contains(checkProfile(p), `${c[0]}.${c[1]}`, `${c[0]}.${c[1]} = ${c[2]}`)
        }
    })

    test("H8 H10 a drive paced faster than two packet slots is refused: its changes alone would take the send budget from the depth write", () => {
        const p: any = copyProfile()
        p.control.driveWriteMs = 39
        contains(checkProfile(p), "control.driveWriteMs", "driveWriteMs 39")
        p.control.driveWriteMs = 40
        eq(checkProfile(p), "", "driveWriteMs 40")
    })

    test("H1 H10 a depth must be a finite number: not a string, not -Infinity", () => {
        const p = copyProfile()
        const cheeks = p.areas[4]
        const text: any = "0.5"
        eq(checkDepth(cheeks, text), "depth is not a number: give millimetres, e.g. 0.5", "a string")
        eq(checkDepth(cheeks, -Infinity), "depth is not a number: give millimetres, e.g. 0.5", "-Infinity")
        eq(checkDepth(cheeks, Infinity), "depth is not a number: give millimetres, e.g. 0.5", "Infinity")
        eq(checkDepth(cheeks, 3.0), "depth 3.00 mm above the cheeks cap of 2.00 mm", "3.00 mm on cheeks: the cap says no")
        cheeks.depthCapMm = 3.0
        eq(checkDepth(cheeks, 3.0), "", "3.00 mm is allowed where the cap is 3.00 mm")
        eq(checkDepth(cheeks, 3.05), "depth 3.05 mm above the hard maximum of 3.00 mm")
    })

    test("H1 H15 the stroke-rate limits: 56 and 150 allowed, rates within 3 of a multiple of the accelerometer's 26 Hz refused, a string is not a rate", () => {
        eq(checkStrokeHz(56), "")
        eq(checkStrokeHz(74), "")
        eq(checkStrokeHz(82), "")
        eq(checkStrokeHz(100), "")
        eq(checkStrokeHz(108), "")
        eq(checkStrokeHz(126), "")
        eq(checkStrokeHz(134), "")
        // near a multiple of the accelerometer's 26 Hz the motor reads as the pen turning (H15)
        eq(checkStrokeHz(55), "stroke rate 55 strokes/s is within 3 of 52 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(50), "stroke rate 50 strokes/s is within 3 of 52 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(75), "stroke rate 75 strokes/s is within 3 of 78 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(81), "stroke rate 81 strokes/s is within 3 of 78 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(101), "stroke rate 101 strokes/s is within 3 of 104 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(107), "stroke rate 107 strokes/s is within 3 of 104 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(127), "stroke rate 127 strokes/s is within 3 of 130 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(133), "stroke rate 133 strokes/s is within 3 of 130 (a multiple of the accelerometer's rate)")
        eq(checkStrokeHz(150), "")
        eq(checkStrokeHz(49), "stroke rate 49 strokes/s is outside 50..150")
        eq(checkStrokeHz(151), "stroke rate 151 strokes/s is outside 50..150")
        const text: any = "100"
        eq(checkStrokeHz(text), "stroke rate must be a whole number of strokes/s from 50 to 150")
        const p = copyProfile()
        eq(checkPreset(p.areas[0], { depthMm: 0.5, strokeHz: 56, passLimit: 1 }), "", "the lowest rate and pass limit")
    })
})
