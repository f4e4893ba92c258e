// Depth (pen.ts updateDepth/depthReached, validate.ts checkPreset): the actuator's target is the
// preset of the selected area, never above that area's cap nor the hard 3.0 mm (limits.ts); it
// moves only while the needle is out of the skin; no pass starts before the actuator reports the
// preset within depth.toleranceMm (0.1 mm). Preset changes are checked: 0.05 mm steps, 50..150
// strokes/s, 1..3 passes.

import { describe, test } from "@devicescript/test"
import { DEPTH_MAX_MM, DEPTH_TOLD_MS } from "../../core/limits"
import { PenCommand } from "../../core/types"
import { atMost, contains, eq, eqDeep, isFalse, isTrue } from "../kit/assert"
import { armedRig, boundRig, copyProfile, faultCode, liftAndEnd, Rig, touchUntilTreating } from "./penkit"

function preset(areaId: string, depthMm: number, strokeHz: number, passLimit: number): PenCommand {
    return { kind: "set_preset", areaId: areaId, depthMm: depthMm, strokeHz: strokeHz, passLimit: passLimit }
}

/** a set_preset that must be refused with `says` in the message, and change nothing */
async function refused(r: Rig, cmd: PenCommand, says: string) {
    const before = JSON.stringify(r.pen.status())
    const presetsBefore: string[] = []
    for (const a of r.p.areas) presetsBefore.push(JSON.stringify(r.pen.preset(a.id)))
    const target = r.out.depthTargetMm
    const res = r.cmd(cmd)
    isFalse(res.ok, "refused: " + says)
    contains(res.message, says)
    contains(r.said("refused"), says, "logged as a refusal")
    for (let i = 0; i < r.p.areas.length; i++) eq(JSON.stringify(r.pen.preset(r.p.areas[i].id)), presetsBefore[i], "preset unchanged")
    eq(JSON.stringify(r.pen.status()), before, "status unchanged")
    await r.run(50)
    eq(r.out.depthTargetMm, target, "depth target unchanged")
}

/**
 * An armed rig settled at the cheeks' 1.00 mm, then nose's 0.25 mm selected and told (the writer's
 * write went out): the actuator runs down through `pathMm`, a feedback report each 10 ms. Then
 * forehead's 0.50 mm is chosen (not told yet) and the pen touches the skin at 1.5 N
 */
async function foreheadOnTheWayToNose(pathMm: number[]): Promise<Rig> {
    const r = await armedRig()
    isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
    await r.run(100)
    r.depthFollows = false
    r.depthActualMm = 1.0
    isTrue(r.cmd({ kind: "select_area", areaId: "nose" }).ok, "nose")
    r.depthSentMm = 0.25
    r.tick()
    for (const mm of pathMm) {
        r.depthActualMm = mm
        await r.run(10)
    }
    isTrue(r.cmd({ kind: "select_area", areaId: "forehead" }).ok, "forehead, 0.50 mm")
    r.forceN = 1.5
    r.resetSeen()
    return r
}

describe("depth", () => {
    test("H1 the depth target is the preset of the selected area", async () => {
        const r = await armedRig()
        eq(r.out.depthTargetMm, 0.25, "periorbital preset")
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        r.tick()
        eq(r.out.depthTargetMm, 1.0, "cheeks preset")
        isTrue(r.cmd(preset("cheeks", 1.5, 120, 3)).ok, "cheeks 1.5 mm")
        r.tick()
        eq(r.out.depthTargetMm, 1.5, "new preset")
    })

    test("H1 the depth target never exceeds the area cap or 3.0 mm, at every area's largest preset", async () => {
        const r = await armedRig()
        for (const a of r.p.areas) {
            isTrue(r.cmd(preset(a.id, a.depthCapMm, 100, 3)).ok, "preset at the cap of " + a.id)
            isFalse(r.cmd(preset(a.id, a.depthCapMm + 0.05, 100, 3)).ok, "one step above the cap of " + a.id)
            isTrue(r.cmd({ kind: "select_area", areaId: a.id }).ok, "select " + a.id)
            await r.run(20)
            eq(r.out.depthTargetMm, a.depthCapMm, "target at the cap of " + a.id)
            atMost(r.out.depthTargetMm, DEPTH_MAX_MM, "hard maximum")
        }
    })

    test("H1 a stored preset above the area cap is ignored at boot", async () => {
        const r = await boundRig({
            presets: [
                { depthMm: 0.9, strokeHz: 100, passLimit: 2 },
                { depthMm: 0.7, strokeHz: 100, passLimit: 3 },
            ],
        })
        eq(r.pen.preset("periorbital").depthMm, 0.25, "0.9 mm above the periorbital cap: factory preset kept")
        eq(r.out.depthTargetMm, 0.25)
        eq(r.pen.preset("forehead").depthMm, 0.7, "a valid stored preset is used")
    })

    test("H1 H10 a profile whose preset exceeds its cap is invalid and retracts the needle", async () => {
        const p = copyProfile()
        p.areas[0].preset.depthMm = 0.75 // periorbital cap 0.5
        const r = new Rig(undefined, p)
        await r.run(50)
        eq(r.state(), "fault")
        contains(r.pen.status().fault.message, "area periorbital preset: depth 0.75 mm above the periorbital cap of 0.50 mm")
        eq(r.out.depthTargetMm, 0, "depth target retracted, not the invalid preset")
        eq(r.out.needleDuty, 0)
    })

    test("H1 the depth command does not change while the pen touches the skin or a pass is in progress", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        await r.run(50)
        await touchUntilTreating(r, 1.5)
        r.resetSeen()
        const p = r.cmd(preset("cheeks", 1.5, 120, 3))
        isFalse(p.ok, "preset change refused in a pass")
        contains(p.message, "the needle is in use")
        const s = r.cmd({ kind: "select_area", areaId: "body" })
        isFalse(s.ok, "area change refused in a pass")
        await r.run(200)
        r.forceN = 0
        await r.run(100) // paused
        eq(r.depthMoves, 0, "no depth move in the pass")
        eq(r.out.depthTargetMm, 1.0)
        await liftAndEnd(r)
        // armed, pen resting on the skin below contact but touching: a preset change waits
        r.forceN = 0.4
        await r.run(50)
        isTrue(r.cmd(preset("cheeks", 1.5, 120, 3)).ok, "preset accepted out of a pass")
        await r.run(200)
        eq(r.depthMoves, 0, "no depth move while touching")
        eq(r.out.depthTargetMm, 1.0, "old depth kept while touching")
        const t = r.cmd({ kind: "select_area", areaId: "periorbital" })
        isFalse(t.ok, "area change refused while touching")
        contains(t.message, "the pen is on the skin: lift it before changing area")
        r.forceN = 0
        r.tick()
        eq(r.out.depthTargetMm, 1.5, "moves once lifted")
    })

    test("H1 an area change commands the new area's depth at once, even if the pen touches in the next tick", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        await r.run(50)
        eq(r.out.depthTargetMm, 1.0)
        isTrue(r.cmd({ kind: "select_area", areaId: "periorbital" }).ok, "periorbital, cap 0.50 mm")
        r.forceN = 1.5 // on the skin in the very next sample
        r.tick()
        eq(r.out.depthTargetMm, 0.25, "the periorbital depth, not the cheeks' 1.00 mm")
        await touchUntilTreating(r, 1.5)
        eq(r.out.depthTargetMm, 0.25)
    })

    test("H1 H8 no pass starts until the actuator reports the preset depth within tolerance", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        r.tick() // the command moves to 1.00 mm; the actuator gets only to 0.85 mm
        r.depthFollows = false
        r.depthActualMm = 0.85 // preset 1.00, tolerance 0.10
        await r.run(20)
        r.forceN = 1.5
        r.resetSeen()
        await r.run(500)
        eq(r.state(), "armed", "held at the wrong depth")
        eq(r.dutyMax, 0, "no drive")
        eq(r.passes(), 0, "no pass counted")
        contains(r.said("depth_wait"), "depth moving to 1.00 mm: lift the pen until it gets there")
        eq(r.count("depth_wait"), 1, "said once")
        contains(r.pen.status().holdReason, "depth moving to 1.00 mm")
        r.depthActualMm = 0.91
        await r.run(50)
        eq(r.state(), "treating", "within tolerance: the pass starts")
        isTrue(r.out.needleDuty > 0, "driven")
    })

    test("H1 H8 a reading from before the actuator was told its depth does not count: passing it on the way to an older depth starts no pass and latches nothing", async () => {
        // forehead's 0.50 mm is chosen before its write goes out (held by the send budget), so the
        // actuator runs on down through 0.50 mm to nose's 0.25
        const r = await foreheadOnTheWayToNose([])
        for (const mm of [0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3]) {
            r.depthActualMm = mm
            await r.run(20)
        }
        eq(faultCode(r), "", "nothing latched: the actuator never had 0.50 mm")
        eq(r.state(), "armed", "no pass on a reading from before it was told")
        eq(r.dutyMax, 0, "no drive")
        // the 0.50 mm write goes out: the actuator turns back and gets there
        r.depthSentMm = 0.5
        r.depthActualMm = 0.5
        await r.run(DEPTH_TOLD_MS - 20)
        eq(r.state(), "armed", "a reading counts only DEPTH_TOLD_MS after the actuator was told")
        await r.run(40)
        eq(r.state(), "treating", "told, and there: the pass starts")
        eq(faultCode(r), "")
    })

    test("H1 H8 the actuator told its new depth as it passes it, still running on to the older one: readings in the next DEPTH_TOLD_MS do not count", async () => {
        const r = await foreheadOnTheWayToNose([0.9, 0.8, 0.7, 0.6])
        // told as it passes 0.55 mm: the servo turns at its next frame, the feedback shows it later
        r.depthSentMm = 0.5
        const path = [0.55, 0.5, 0.45, 0.4, 0.42, 0.46, 0.5, 0.5, 0.5]
        const states: string[] = []
        for (const mm of path) {
            // a feedback report every 10 ms (as the boards stream), two ticks each
            r.depthActualMm = mm
            await r.run(10)
            states.push(r.state())
        }
        eq(faultCode(r), "", "nothing latched: the 0.50/0.45 mm readings 10-20 ms after the write were the old run")
        // settled at the first reading within tolerance 60 ms after the write (its 7th report)
        eq(states.join(" "), "armed armed armed armed armed armed treating treating treating", "the pass starts on a reading 60 ms after the write")
        eq(r.dutyMax > 0, true, "driven once there")
    })

    test("H1 H8 a feedback stream that pauses over the write: the reading from before it does not count, the first one after it does", async () => {
        const r = await foreheadOnTheWayToNose([0.9, 0.8, 0.7, 0.6])
        // the last report before the pause: passing 0.50 mm on the way down; then the write
        r.depthActualMm = 0.5
        r.tick()
        r.depthLive = false
        r.depthSentMm = 0.5
        await r.run(150)
        eq(r.state(), "armed", "no pass on a reading from before the write, however long after it")
        eq(r.dutyMax, 0, "no drive")
        eq(faultCode(r), "")
        // the stream comes back: the actuator turned and is there
        r.depthLive = true
        await r.run(20)
        eq(r.state(), "treating", "a reading from after the write starts the pass")
    })

    test("H1 a preset changed while the pen rests on the skin: no pass at the old depth, the actuator moves once lifted", async () => {
        const r = await armedRig()
        isTrue(r.cmd({ kind: "select_area", areaId: "cheeks" }).ok, "cheeks")
        await r.run(100)
        // resting between releaseN and contactN: touching (the actuator may not move), no contact yet
        r.forceN = 0.4
        await r.run(50)
        isTrue(r.cmd(preset("cheeks", 1.5, 120, 3)).ok, "cheeks 1.5 mm")
        await r.run(50)
        eq(r.out.depthTargetMm, 1.0, "the command stays while the pen touches")
        r.forceN = 1.5
        r.resetSeen()
        await r.run(500)
        eq(r.state(), "armed", "no pass at 1.00 mm for a 1.50 mm preset")
        eq(r.dutyMax, 0, "no drive")
        contains(r.pen.status().holdReason, "depth moving to 1.50 mm")
        r.forceN = 0
        await r.run(100)
        eq(r.out.depthTargetMm, 1.5, "lifted: the actuator is sent to the new depth")
        await touchUntilTreating(r, 1.5)
        eq(r.depthActualMm, 1.5)
    })

    test("H1 H11 set_preset refusals say what is wrong, and a refused command changes nothing", async () => {
        const r = await armedRig()
        await refused(r, preset("chin", 0.5, 100, 3), "unknown area chin: known areas are periorbital, forehead, nose, perioral, cheeks, scalp, body")
        await refused(r, preset("forehead", 2.0, 100, 3), "depth 2.00 mm above the forehead cap of 0.75 mm")
        await refused(r, preset("body", 3.5, 100, 3), "depth 3.50 mm above the hard maximum of 3.00 mm")
        await refused(r, preset("cheeks", 0.33, 100, 3), "depth 0.330 mm is not a multiple of 0.05 mm")
        await refused(r, preset("cheeks", -0.05, 100, 3), "depth -0.05 mm is below 0.00 mm")
        await refused(r, preset("cheeks", 1.0, 49, 3), "stroke rate 49 strokes/s is outside 50..150")
        await refused(r, preset("cheeks", 1.0, 151, 3), "stroke rate 151 strokes/s is outside 50..150")
        await refused(r, preset("cheeks", 1.0, 100.5, 3), "stroke rate must be a whole number of strokes/s from 50 to 150")
        await refused(r, preset("cheeks", 1.0, 100, 4), "pass limit 4 is outside 1..3")
        await refused(r, preset("cheeks", 1.0, 100, 0), "pass limit 0 is outside 1..3")
        await refused(r, preset("cheeks", NaN, 100, 3), "depth is not a number")
        await refused(r, preset("cheeks", 1.0, NaN, 3), "stroke rate must be a whole number")
        await refused(r, preset("cheeks", 1.0, 100, NaN), "pass limit must be a whole number")
        await refused(r, preset("cheeks", 1 / 0, 100, 3), "depth is not a number")
        const ok = r.cmd(preset("forehead", 0.75, 150, 1))
        isTrue(ok.ok, "a preset inside every limit is accepted")
        eq(ok.message, "preset forehead: 0.75 mm, 150 strokes/s, 1 passes")
        eqDeep(r.pen.preset("forehead"), { depthMm: 0.75, strokeHz: 150, passLimit: 1 })
    })
})
