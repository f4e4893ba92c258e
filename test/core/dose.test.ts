// The dose rule (pen.ts countDose, ledger.ts): every stroke the stroke sensor counts while the force
// reads the pen on the skin puts the cartridge's needles into the selected area; passes used are
// that dose over the punctures one pass of the area is (areaCm2 x passDensityPerCm2). A lift starts
// nothing; the warning comes dose.warnPasses before the limit; at the limit the needle stops at once.
// Most tests use 1 cm² areas (smallAreaProfile: a pass is ~1.6 s of needling) so they run in the VM.

import { describe, test } from "@devicescript/test"
import { atLeast, atMost, contains, eq, isFalse, isTrue, near } from "../kit/assert"
import { breathe } from "../kit/breathe"
import { decodeLedgerEntry, encodeLedgerEntry } from "../../core/records"
import { LedgerEntry } from "../../core/types"
import {
    armedRig, boundRig, faultCode, liftAndEnd, onePass, puncturesFor, Rig, smallAreaProfile, storedEntry, TICK_MS, touchUntilTreating,
} from "./penkit"

/** an armed rig on 1 cm² areas (periorbital: limit 2, 100 strokes/s, 1,600 punctures a pass) */
async function smallRig(): Promise<Rig> {
    return await armedRig(undefined, smallAreaProfile())
}

/** what the store holds once it has caught up: every area's record as written and read back */
function storedLedger(r: Rig): LedgerEntry[] {
    const out: LedgerEntry[] = []
    for (const e of r.pen.ledgerEntries()) {
        const d = decodeLedgerEntry(e.areaId, encodeLedgerEntry(e))
        if (d.entry) out.push(d.entry)
    }
    return out
}

/**
 * ticks for `ms`; at every tick the periorbital dose stays within the reservation of the tick
 * before (what the store may hold: it follows the core), so a power loss restores at least the dose
 */
async function coveredFor(r: Rig, ms: number, what: string) {
    let held = r.ledgerOf("periorbital").reservedPunctures
    for (let i = 0; i < ms / TICK_MS; i++) {
        if (i % 20 === 19) await breathe()
        r.tick()
        const e = r.ledgerOf("periorbital")
        atMost(e.punctures, held, what + ", tick " + i + ": the dose within what the store held")
        held = e.reservedPunctures
    }
}

describe("dose", () => {
    test("H3 contact must be confirmed for contactConfirmMs before the needle starts", async () => {
        const r = await armedRig()
        const confirmTicks = r.p.force.contactConfirmMs / TICK_MS
        r.forceN = 1.0
        for (let i = 0; i < confirmTicks; i++) {
            r.tick()
            eq(r.state(), "armed", "tick " + i + " still armed")
            eq(r.out.needleDuty, 0, "tick " + i + " no drive")
        }
        r.tick()
        eq(r.state(), "treating", "confirmed after contactConfirmMs")
        eq(r.out.indicator, "running")
        contains(r.said("needling_start"), "needling periorbital at 0.00/2 passes, 0.25 mm, 100 strokes/s")
    })

    test("H3 a touch shorter than contactConfirmMs, or lighter than contactN, runs no needle and adds no dose", async () => {
        const r = await armedRig()
        r.forceN = 1.0
        await r.run(r.p.force.contactConfirmMs - TICK_MS)
        r.forceN = 0
        await r.run(100)
        r.forceN = 0.45 // between releaseN (0.3) and contactN (0.5)
        r.resetSeen()
        await r.run(1000)
        eq(r.passes(), 0, "no dose")
        eq(r.dutyMax, 0, "no drive")
        eq(r.state(), "armed")
        eq(r.count("needling_start"), 0, "no needling_start event")
    })

    test("H3 each stroke on the skin adds the cartridge's needles to the area's dose", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        const before = r.strokes
        await r.run(800)
        const strokes = r.strokes - before
        atLeast(strokes, 40, "the needle ran")
        const e = r.ledgerOf("periorbital")
        // the dose counts the strokes the sensor reported (one tick of reporting lag at most)
        near(e.punctures, strokes * 12, 12 * 1.5, "punctures = strokes x 12 needles")
        near(r.passes(), e.punctures / 1600, 1e-9, "passes used = punctures / (1 cm² x 1,600/cm²)")
        eq(r.ledgerOf("forehead").punctures, 0, "another area gets nothing")
    })

    test("H3 strokes off the skin add nothing: a coasting needle after a lift, a motor run while armed", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        r.forceN = 0
        r.tick()
        const dose = r.ledgerOf("periorbital").punctures
        r.strokeHz = 100 // the motor still turns (coasting, or a driver that runs it undriven)
        await r.run(80)
        r.strokeHz = -1
        eq(r.ledgerOf("periorbital").punctures, dose, "no dose while lifted")
    })

    test("H3 a lift, however long, starts nothing: the dose goes on from where it was", async () => {
        const r = await smallRig()
        // five touches with lifts from 0.35 s to 5 s: repositioning and serum, as an operator does
        const lifts = [350, 1200, 5000, 500, 2500]
        let last = 0
        for (const liftMs of lifts) {
            await touchUntilTreating(r, 1.5)
            await r.run(60)
            r.forceN = 0
            await r.run(liftMs)
            const p = r.passes()
            isTrue(p >= last, "the dose never goes back")
            atMost(p - last, 0.1, "a short touch adds a short touch's dose, whatever the lift before it")
            last = p
        }
        atMost(r.passes(), 0.5, "five short touches are well under one pass")
        eq(r.count("area_locked"), 0, "no lock")
        isTrue(r.state() === "armed", "armed, not locked: " + r.state())
        eq(r.count("needling_end"), 5, "each lift longer than the debounce ends a needling, not a pass")
    })

    test("H3 strokes reported just after a lift still count: the sensor reports every 20 ms, the last ones on the skin arrive late", async () => {
        const r = await smallRig()
        r.strokeReportTicks = 4 // a report every 20 ms, as the stroke role is read
        await touchUntilTreating(r, 1.5)
        await r.run(400)
        r.forceN = 0
        await r.run(200)
        // every stroke the cam made while the force read the pen on the skin, and the coasting
        // ones reported in the first report after the lift, are in the dose; none made later
        const counted = r.ledgerOf("periorbital").punctures / 12
        near(counted, r.strokesTrue, 2, "the dose holds the strokes up to the lift's report")
    })

    test("H3 H10 the needle waits while the dose has passed what the store holds, and runs again once it is stored", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(200)
        isTrue(r.out.needleDuty > 0, "running")
        r.storeBehind = true
        r.tick()
        eq(r.out.needleDuty, 0, "the tick that sees the store behind writes no drive")
        r.resetSeen()
        await r.run(300)
        eq(r.dutyMax, 0, "no drive while the store is behind")
        eq(r.state(), "treating", "not a fault: the store gets 3 s (store_failed after)")
        r.storeBehind = false
        await r.run(200)
        isTrue(r.out.needleDuty > 0, "stored: the needle runs again")
    })

    test("H3 a raised limit gets its own warning before its end", async () => {
        const p = smallAreaProfile()
        const r = await armedRig({ ledger: [storedEntry(p, "periorbital", 1.9)] }, p)
        await touchUntilTreating(r, 1.5)
        await r.run(50)
        eq(r.count("dose_warning"), 1, "warned at 1.9 of 2")
        await r.runUntilState("locked", 3000)
        r.forceN = 0
        await r.run(400)
        isTrue(r.cmd({ kind: "set_preset", areaId: "periorbital", depthMm: 0.25, strokeHz: 100, passLimit: 3 }).ok, "limit 3")
        await r.run(20)
        eq(r.state(), "armed", "unlocked")
        await touchUntilTreating(r, 1.5)
        for (let i = 0; i < 4000 && r.count("dose_warning") < 2; i++) {
            if (i % 20 === 19) await breathe()
            r.tick()
        }
        eq(r.count("dose_warning"), 2, "warned again before the new limit")
        contains(r.said("dose_warning"), "the needle stops at 3")
    })

    test("H3 the warning comes once, warnPasses before the limit, while the needle still runs", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        const warnAt = 2 - r.p.dose.warnPasses
        let sawEnding = false
        for (let i = 0; i < 2000 && r.count("dose_warning") === 0; i++) {
            if (i % 20 === 19) await breathe()
            r.tick()
            if (r.passes() < warnAt) eq(r.out.indicator, "running", "running before the warning")
        }
        eq(r.count("dose_warning"), 1, "warned")
        atLeast(r.passes(), warnAt, "not before warnAt")
        atMost(r.passes(), warnAt + 0.02, "at warnAt (within a tick's strokes)")
        contains(r.said("dose_warning"), "of a pass left, finish this row; the needle stops at 2")
        eq(r.state(), "treating", "the needle still runs")
        isTrue(r.out.needleDuty > 0, "driven")
        r.tick()
        sawEnding = r.out.indicator === "ending"
        isTrue(sawEnding, "the light shows the last part of the last pass: " + r.out.indicator)
        // a lift and a new touch do not warn again
        r.forceN = 0
        await r.run(500)
        await touchUntilTreating(r, 1.5)
        await r.run(50)
        eq(r.count("dose_warning"), 1, "once per area and session")
    })

    test("H3 at the limit the needle stops at once, on the skin: locked, no drive, however long it stays", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        let driveAtLimit = -1
        for (let i = 0; i < 4000; i++) {
            if (i % 20 === 19) await breathe()
            r.tick()
            if (r.passes() >= 2) {
                driveAtLimit = r.out.needleDuty
                break
            }
        }
        eq(driveAtLimit, 0, "the tick that reaches the limit writes no drive")
        eq(r.state(), "locked")
        eq(r.out.indicator, "locked")
        contains(r.said("area_locked"), "area periorbital has used 2.00/2 passes: select another area or start a new session")
        r.resetSeen()
        await r.run(1000)
        eq(r.dutyMax, 0, "still on the skin, locked: no drive")
        atMost(r.passes(), 2.02, "no dose after the stop beyond the tick that reached it")
        contains(r.pen.status().holdReason, "2.00/2 passes")
    })

    test("H3 selecting another area unlocks; the locked area stays locked; a new session unlocks every area", async () => {
        const p = smallAreaProfile()
        const r = await armedRig({ ledger: [storedEntry(p, "periorbital", 2)] }, p)
        eq(r.state(), "locked", "used up")
        const s = r.cmd({ kind: "select_area", areaId: "nose" })
        isTrue(s.ok, "select nose")
        contains(s.message, "area nose: 0.00/2 passes used")
        await r.run(20)
        eq(r.state(), "armed", "another area: armed again")
        await onePass(r, 300)
        isTrue(r.ledgerOf("nose").passes > 0, "nose got the dose")
        isTrue(r.cmd({ kind: "select_area", areaId: "periorbital" }).ok, "back to periorbital")
        await r.run(20)
        eq(r.state(), "locked", "periorbital is still used up")
        r.forceN = 1.5
        r.resetSeen()
        await r.run(300)
        eq(r.dutyMax, 0, "no drive")
        r.forceN = 0
        await r.run(20)
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm")
        const n = r.cmd({ kind: "new_session" })
        isTrue(n.ok, "new session")
        eq(r.ledgerOf("periorbital").passes, 0, "ledger cleared")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm again")
        await r.run(20)
        await touchUntilTreating(r, 1.5)
        eq(r.state(), "treating")
    })

    test("H3 a new session is refused while the needle is in use", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(100)
        const before = r.passes()
        const n = r.cmd({ kind: "new_session" })
        isFalse(n.ok, "refused")
        contains(n.message, "the needle is in use")
        isTrue(r.passes() >= before, "nothing cleared")
    })

    test("H3 H10 a ledger restored after a power cycle grants no fresh treatment", async () => {
        const p = smallAreaProfile()
        const used = await armedRig({ ledger: [storedEntry(p, "periorbital", 2)] }, p)
        eq(used.state(), "locked", "used up before the power cycle: locked at once")
        used.forceN = 1.5
        used.resetSeen()
        await used.run(500)
        eq(used.dutyMax, 0, "no drive")
        const half = await armedRig({ ledger: [storedEntry(p, "periorbital", 1.5)] }, p)
        near(half.passes(), 1.5, 0.001, "1.5 passes restored")
        await touchUntilTreating(half, 1.5)
        const r = await half.runUntilState("locked", 3000)
        isTrue(r, "locks after the half pass that was left")
        // 0.5 pass = 800 punctures = 67 strokes at 100/s, plus the soft start
        atMost(half.now, 20 + 10 + 3000, "within bounds")
    })

    test("H3 H10 while the needle may run (armed, treating, paused) the store's reservation runs ahead of the dose at every tick, and moves before the dose reaches it", async () => {
        const r = await smallRig()
        const e = r.ledgerOf("periorbital")
        atLeast(e.reservedPunctures, 1, "arming reserves before the first stroke")
        // ahead by more than half a step (0.25 pass of 1,600 punctures): a step on comes before the dose gets there
        const halfStep = Math.ceil(1600 * r.p.dose.reservePasses) / 2
        await touchUntilTreating(r, 1.5)
        let moves = 0
        let last = e.reservedPunctures
        let lastVersion = r.pen.ledgerVersion()
        for (let i = 0; i < 800; i++) {
            if (i % 20 === 19) await breathe()
            // after 2 s of needling (1.3 passes) a lift: paused, then armed once the needling ends
            if (i === 400) r.forceN = 0
            r.tick()
            const x = r.ledgerOf("periorbital")
            isTrue(x.reservedPunctures > x.punctures + halfStep, r.state() + ": reserved " + x.reservedPunctures + " half a step above delivered " + x.punctures)
            if (x.reservedPunctures !== last) {
                moves++
                isTrue(r.pen.ledgerVersion() !== lastVersion, "a new reservation bumps the version (the firmware stores it)")
                last = x.reservedPunctures
            }
            lastVersion = r.pen.ledgerVersion()
        }
        atLeast(moves, 3, "it moved as the dose grew")
        eq(r.state(), "armed", "the needling ended: armed, the reservation still ahead")
        // disarmed off the skin with the needle still, no dose can be added: it comes back to the
        // dose (the next two tests), and arming moves it on again before the needle may run
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm")
        await r.run(20)
        eq(r.ledgerOf("periorbital").reservedPunctures, Math.ceil(r.ledgerOf("periorbital").punctures), "disarmed: the dose")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
        isTrue(r.ledgerOf("periorbital").reservedPunctures > r.ledgerOf("periorbital").punctures, "armed: ahead again")
    })

    test("H3 H10 a disarmed pen off the skin stores the exact dose: restart and arm eight times on periorbital and no dose is added", async () => {
        const p = smallAreaProfile()
        let r = await armedRig(undefined, p)
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm on the skin")
        r.forceN = 0
        r.tick()
        const v = r.pen.ledgerVersion()
        // lifted; the needle comes to rest
        await r.run(200)
        const dose = r.ledgerOf("periorbital").punctures
        const whole = Math.ceil(dose)
        isTrue(whole > dose, "a fraction of a puncture delivered (the test needs one): " + dose)
        eq(r.ledgerOf("periorbital").reservedPunctures, whole, "the reservation is the dose in whole punctures")
        isTrue(r.pen.ledgerVersion() !== v, "a change: the firmware stores it")
        const settled = r.pen.ledgerVersion()
        await r.run(100)
        eq(r.pen.ledgerVersion(), settled, "once: no write at every tick")
        for (let k = 1; k <= 8; k++) {
            // a power cycle: a new pen from what the store holds; armed, then disarmed
            r = await armedRig({ ledger: storedLedger(r) }, p)
            eq(r.state(), "armed", "restart " + k + ": armed, not locked")
            near(r.passes(), whole / 1600, 1e-9, "restart " + k + ": the passes used are the dose delivered")
            isTrue(r.ledgerOf("periorbital").reservedPunctures > whole, "restart " + k + ": arming reserves ahead")
            isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm " + k)
            await r.run(20)
            eq(r.ledgerOf("periorbital").reservedPunctures, whole, "disarm " + k + ": the dose again")
        }
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arm")
        await touchUntilTreating(r, 1.5)
        eq(r.count("area_locked"), 0, "the area has its dose left: no lock")
    })

    test("H3 H10 disarmed while on the skin: the reservation stays ahead until the pen is lifted and the needle is still", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm on the skin")
        // the needle coasts on the skin after the disarm: those strokes count, the store covers them
        r.strokeHz = 100
        const d0 = r.ledgerOf("periorbital").punctures
        await coveredFor(r, 100, "coasting on the skin")
        isTrue(r.ledgerOf("periorbital").punctures > d0, "coasting strokes on the skin count")
        // at rest on the skin: left ahead (a motor turned undriven would add dose)
        r.strokeHz = 0
        const ahead = r.ledgerOf("periorbital").reservedPunctures
        await r.run(300)
        eq(r.ledgerOf("periorbital").reservedPunctures, ahead, "on the skin: left ahead")
        r.strokeHz = 100
        await coveredFor(r, 50, "turned again on the skin")
        // lifted while the needle still turns, then touched again: still covered
        r.forceN = 0
        const lifted = r.ledgerOf("periorbital").reservedPunctures
        await coveredFor(r, 150, "lifted, the needle turning")
        eq(r.ledgerOf("periorbital").reservedPunctures, lifted, "the needle turns: left ahead")
        r.forceN = 1.5
        const d1 = r.ledgerOf("periorbital").punctures
        await coveredFor(r, 50, "touched again while it turns")
        isTrue(r.ledgerOf("periorbital").punctures > d1, "those strokes count")
        // lifted and still: no dose can be added, the store may hold the dose
        r.forceN = 0
        r.strokeHz = 0
        await r.run(200)
        const e = r.ledgerOf("periorbital")
        eq(e.reservedPunctures, Math.ceil(e.punctures), "lifted and still: the dose")
        eq(r.state(), "idle")
    })

    test("H3 H10 lifted between two stroke reports: the reservation stays ahead until the next report, which counts any stroke made on the skin", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm on the skin")
        r.strokeHz = 0
        await r.run(300)
        const ahead = r.ledgerOf("periorbital").reservedPunctures
        isTrue(ahead > Math.ceil(r.ledgerOf("periorbital").punctures), "ahead on the skin")
        // the sensor reports every 4 ticks; the pen lifted on the tick after a report
        r.strokeReportTicks = 4
        const sampled = r.strokeSampleMs
        for (let i = 0; i < 8 && r.strokeSampleMs === sampled; i++) r.tick()
        r.forceN = 0
        for (let i = 0; i < 3; i++) {
            r.tick()
            eq(r.ledgerOf("periorbital").reservedPunctures, ahead, "lifted, tick " + i + ": no report since the touch")
        }
        for (let i = 0; i < 4; i++) r.tick()
        eq(r.ledgerOf("periorbital").reservedPunctures, Math.ceil(r.ledgerOf("periorbital").punctures), "after the next report: the dose")
    })

    test("H3 H14 strokes made on the skin before a disarm count on the area and cartridge they were made with, also when another is selected before their report", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        // the sensor reports every 8 ticks; four ticks of strokes on the skin after a report
        r.strokeReportTicks = 8
        const sampled = r.strokeSampleMs
        for (let i = 0; i < 16 && r.strokeSampleMs === sampled; i++) r.tick()
        const counted = r.ledgerOf("periorbital").punctures
        const reported = r.strokes
        for (let i = 0; i < 4; i++) r.tick()
        // disarmed and lifted at once, and another area and cartridge chosen before the next report
        // (a console script can be that fast); the cam still
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "disarm on the skin")
        r.forceN = 0
        r.strokeHz = 0
        r.tick()
        const made = r.strokesTrue
        isTrue(made - reported >= 2, "strokes made after the last report: " + (made - reported))
        isTrue(r.cmd({ kind: "select_area", areaId: "forehead" }).ok, "area, off the skin")
        isTrue(r.cmd({ kind: "select_cartridge", cartridgeId: "n36" }).ok, "cartridge, off the skin")
        for (let i = 0; i < 8; i++) r.tick()
        eq(r.strokes, made, "the report came")
        await r.run(100)
        eq(r.ledgerOf("forehead").punctures, 0, "nothing on the new area")
        near(r.ledgerOf("periorbital").punctures, counted + 12 * (made - reported), 0.001, "every stroke on periorbital, with the 12 needles it was made with")
    })

    test("H3 H10 in a fault the reservation stays ahead: a failed force sensor reads as off the skin; once cleared, disarmed, it comes back to the dose", async () => {
        const r = await smallRig()
        await touchUntilTreating(r, 1.5)
        await r.run(300)
        // the force sensor opens on the skin: it reads 0 N, as if the pen were lifted
        r.ratio = 0.005
        r.forceN = 0
        await r.run(50)
        eq(faultCode(r), "force_open")
        const ahead = r.ledgerOf("periorbital").reservedPunctures
        isTrue(ahead > Math.ceil(r.ledgerOf("periorbital").punctures), "ahead at the fault")
        await r.run(500)
        eq(r.ledgerOf("periorbital").reservedPunctures, ahead, "in a fault: left ahead")
        r.ratio = -1
        await r.run(500)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "the sensor is back: cleared")
        await r.run(20)
        eq(r.state(), "idle")
        eq(r.ledgerOf("periorbital").reservedPunctures, Math.ceil(r.ledgerOf("periorbital").punctures), "disarmed, off the skin, the needle still: the dose")
    })

    test("H3 H10 a restored ledger with a bad count is refused, not used", async () => {
        const r = new Rig({ ledger: [{ areaId: "periorbital", punctures: 0, reservedPunctures: -2, passes: 0, treatedMs: 0, overPressureCount: 0 }] })
        await r.run(20)
        eq(r.state(), "fault")
        eq(r.pen.status().fault.code, "settings_invalid")
        contains(r.pen.status().fault.message, "stored ledger for periorbital has a bad count")
        isFalse(r.cmd({ kind: "toggle_arm" }).ok, "cannot arm")
        const n = new Rig({ ledger: [{ areaId: "nose", punctures: 0, reservedPunctures: NaN, passes: 0, treatedMs: 0, overPressureCount: 0 }] })
        await n.run(20)
        eq(n.state(), "fault", "NaN dose")
        const f = new Rig({ ledger: [{ areaId: "nose", punctures: 0, reservedPunctures: 10.5, passes: 0, treatedMs: 0, overPressureCount: 0 }] })
        await f.run(20)
        eq(f.state(), "fault", "a fraction of a puncture")
    })

    test("H3 H10 a ledger stored by the pass-counting firmware is migrated: each counted pass is a whole pass of dose", async () => {
        const legacy = { areaId: "periorbital", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 9000, overPressureCount: 1, legacyPasses: 2 }
        const r = await boundRig({ ledger: [legacy] })
        contains(r.said("info"), "ledger for periorbital was stored by firmware that counted passes")
        eq(r.ledgerOf("periorbital").punctures, puncturesFor(r.p, "periorbital", 2), "two passes of dose")
        eq(r.ledgerOf("periorbital").overPressureCount, 1, "the rest is kept")
        isTrue(r.cmd({ kind: "toggle_arm" }).ok, "arming is not refused")
        eq(r.state(), "locked", "two counted passes of two: locked")
        const one = await boundRig({ ledger: [{ areaId: "nose", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0, legacyPasses: 1 }] })
        near(one.ledgerOf("nose").passes, 1, 1e-9, "one counted pass: one pass used")
        const bad = new Rig({ ledger: [{ areaId: "nose", punctures: 0, reservedPunctures: 0, passes: 0, treatedMs: 0, overPressureCount: 0, legacyPasses: -1 }] })
        await bad.run(20)
        eq(bad.state(), "fault", "a bad legacy count is refused too")
    })

    test("H14 the cartridge fitted sets the punctures per stroke: 36 needles count three times 12", async () => {
        const r = await smallRig()
        const c = r.cmd({ kind: "select_cartridge", cartridgeId: "n36" })
        isTrue(c.ok, c.message)
        contains(c.message, "36 needles")
        eq(r.pen.status().cartridgeId, "n36")
        eq(r.pen.status().needles, 36)
        await touchUntilTreating(r, 1.5)
        const before = r.strokes
        await r.run(400)
        near(r.ledgerOf("periorbital").punctures, (r.strokes - before) * 36, 36 * 1.5, "36 per stroke")
    })

    test("H14 a cartridge the store does not hold yet starts no needling: a power cycle would count with the stored one", async () => {
        const r = await smallRig()
        r.cartridgeStoredId = "n12"
        const c = r.cmd({ kind: "select_cartridge", cartridgeId: "n36" })
        isTrue(c.ok, c.message)
        r.resetSeen()
        r.forceN = 1.0
        await r.run(300)
        eq(r.state(), "armed", "no needling while the store holds n12")
        eq(r.dutyMax, 0, "no drive")
        contains(r.pen.status().holdReason, "cartridge not stored yet: select it again if this stays")
        eq(r.ledgerOf("periorbital").punctures, 0, "no dose")
        r.cartridgeStoredId = "n36"
        await r.run(100)
        eq(r.state(), "treating", "stored: the needling starts")
        isTrue(r.dutyMax > 0, "and the needle runs")
    })

    test("H14 H11 the cartridge changes only with the pen off the skin and the needle out of use; unknown ids are refused", async () => {
        const r = await smallRig()
        const u = r.cmd({ kind: "select_cartridge", cartridgeId: "n99" })
        isFalse(u.ok, "unknown")
        contains(u.message, "unknown cartridge n99: known cartridges are n12 (12 needles), n14 (14 needles), n24 (24 needles), n36 (36 needles)")
        await touchUntilTreating(r, 1.5)
        const inUse = r.cmd({ kind: "select_cartridge", cartridgeId: "n36" })
        isFalse(inUse.ok, "in use")
        contains(inUse.message, "the needle is in use")
        eq(r.pen.status().cartridgeId, "n12", "unchanged")
        await liftAndEnd(r)
        r.forceN = 0.4 // touching, below contact
        await r.run(20)
        const touching = r.cmd({ kind: "select_cartridge", cartridgeId: "n36" })
        isFalse(touching.ok, "on the skin")
        contains(touching.message, "the pen is on the skin")
        eq(r.pen.status().cartridgeId, "n12", "unchanged")
    })

    test("H14 H11 arming names the cartridge the dose is counted with; a stored cartridge is restored, a lost one counts with the most needles", async () => {
        const r = await boundRig({ cartridgeId: "n24" })
        const a = r.cmd({ kind: "toggle_arm" })
        contains(a.message, "armed on periorbital with cartridge n24 (24 needles): 0.00/2 passes used")
        const none = await boundRig()
        eq(none.pen.status().cartridgeId, "n12", "nothing stored: the profile's")
        const u = await boundRig({ cartridgeId: "zz" })
        eq(u.pen.status().cartridgeId, "n36", "an unknown id: the most needles, the dose can only be over-counted")
        contains(u.said("info"), "stored cartridge zz is not in the profile: counting with n36 (36 needles, the most) until the fitted cartridge is selected")
        const b = await boundRig({ cartridgeError: "cartridge record fails its checksum" })
        eq(b.pen.status().cartridgeId, "n36", "a bad record: the most needles")
        contains(b.said("info"), "cartridge record fails its checksum: counting with n36")
    })
})
