// Events as data (events.ts): every kind the core makes prints as the `EVENT <kind> <text>` line
// a person reads, and that line reads back into the same fields (area, pass, limit, fault code and
// id, values at the precision printed), so the simulator and the tests take pass numbers and fault
// codes from fields, never from the wording. Runs in both runners: the printer is firmware code.

import { describe, test } from "@devicescript/test"
import {
    areaLockedEvent, depthWaitEvent, dwellStopEvent, dwellWarningEvent, eventLine, faultClearedEvent, faultDetail, faultEvent, overPressureEvent, parseEventLine,
    doseWarningEvent, needlingEndEvent, needlingStartEvent, presetFallbackEvent, riseCutoffEvent, stateEvent, textEvent,
} from "../../core/events"
import { EventData, PenEvent } from "../../core/types"
import { eq, eqDeep, fail, isTrue, near } from "../kit/assert"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { armedRig, onePass, storedEntry, touchUntilTreating } from "./penkit"

/** the line of `e`, read back */
function readBack(e: EventData): EventData {
    const d = parseEventLine(eventLine(e))
    if (!d) return fail(`not read back: ${eventLine(e)}`)
    return d
}

/** `e` without its time: what its line carries */
function fields(e: PenEvent): EventData {
    const d: any = {}
    for (const k of Object.keys(e)) if (k !== "atMs") d[k] = (e as any)[k]
    return d
}

/** a real event reads back: texts, ids and counts exactly, values to the precision printed */
function sameAsPrinted(e: PenEvent) {
    const d = readBack(e)
    const what = eventLine(e)
    eq(d.kind, e.kind, what)
    eq(d.message, e.message, what)
    eq(d.areaId, e.areaId, what + ": area")
    // passes print with two decimals (a dose)
    if (e.pass !== undefined) near(d.pass, e.pass, 0.005, what + ": pass")
    else eq(d.pass, undefined, what + ": pass")
    eq(d.passLimit, e.passLimit, what + ": limit")
    eq(d.state, e.state, what + ": state")
    eq(d.fault, e.fault, what + ": fault")
    eq(d.faultId, e.faultId, what + ": fault id")
    eq(d.strokeHz, e.strokeHz, what + ": rate")
    if (e.depthMm !== undefined) near(d.depthMm, e.depthMm, 0.005, what + ": depth")
    if (e.treatedMs !== undefined) near(d.treatedMs, e.treatedMs, 50, what + ": treated")
    if (e.forceN !== undefined) near(d.forceN, e.forceN, 0.005, what + ": force")
    if (e.riseNPerS !== undefined) near(d.riseNPerS, e.riseNPerS, 0.5, what + ": rise")
    if (e.limit !== undefined) near(d.limit, e.limit, 0.5, what + ": limit")
    if (e.stillMs !== undefined) near(d.stillMs, e.stillMs, 5, what + ": still time")
}

describe("events", () => {
    test("H11 each kind prints the line a person reads and reads back into its fields", () => {
        const cases: PenEvent[] = [
            stateEvent(5, "treating"),
            needlingStartEvent(5, "cheeks", 1.42, 3, 1.25, 120),
            needlingEndEvent(5, "cheeks", 2.5, 3, 12300),
            doseWarningEvent(5, "cheeks", 2.75, 3),
            areaLockedEvent(5, "nose", 2, 2),
            overPressureEvent(5, 4.5, 4, 0.5),
            riseCutoffEvent(5, 60, 40, 0.5),
            dwellWarningEvent(5, 400, 400, 700),
            dwellStopEvent(5, 720, 700, 0.5),
            faultEvent(5, "tick_overrun", "control tick overrun: 130 ms since the last tick (limit 100 ms)"),
            faultClearedEvent(5, "force_open", ""),
            faultClearedEvent(5, "settings_invalid", "stored ledger replaced by a new session"),
            depthWaitEvent(5, 0.75),
            presetFallbackEvent(5, "cheeks", "preset record for cheeks fails its checksum", { depthMm: 1, strokeHz: 120, passLimit: 3 }),
            textEvent(5, "refused", "unknown area chin: known areas are cheeks, nose"),
            textEvent(5, "info", "new session: every area has its dose again"),
        ]
        const lines = [
            "EVENT state treating",
            "EVENT needling_start needling cheeks at 1.42/3 passes, 1.25 mm, 120 strokes/s",
            "EVENT needling_end needling cheeks ended at 2.50/3 passes, treated 12.3 s",
            "EVENT dose_warning cheeks at 2.75/3 passes: 0.25 of a pass left, finish this row; the needle stops at 3",
            "EVENT area_locked area nose has used 2.00/2 passes: select another area or start a new session",
            "EVENT over_pressure over-pressure 4.50 N above 4.00 N: needle stopped, lift below 0.50 N to resume",
            "EVENT rise_cutoff force rising 60 N/s, above 40 N/s: needle stopped, lift below 0.50 N to resume",
            "EVENT dwell_warning pen still 0.40 s on one spot, warning at 0.40 s: keep gliding, the needle stops at 0.70 s",
            "EVENT dwell_stop pen still 0.72 s on one spot, limit 0.70 s: needle stopped, lift below 0.50 N and move on",
            "EVENT fault tick_overrun: control tick overrun: 130 ms since the last tick (limit 100 ms)",
            "EVENT fault_cleared fault force_open cleared",
            "EVENT fault_cleared fault settings_invalid cleared: stored ledger replaced by a new session",
            "EVENT depth_wait depth moving to 0.75 mm: lift the pen until it gets there",
            "EVENT preset_fallback preset record for cheeks fails its checksum: using the factory preset for cheeks (1.00 mm, 120 strokes/s, 3 passes)",
            "EVENT refused unknown area chin: known areas are cheeks, nose",
            "EVENT info new session: every area has its dose again",
        ]
        for (let i = 0; i < cases.length; i++) {
            eq(eventLine(cases[i]), lines[i], cases[i].kind)
            eqDeep(readBack(cases[i]), fields(cases[i]), lines[i])
        }
        const f = readBack(cases[9])
        eq(f.fault, "tick_overrun")
        eq(f.faultId, 10, "the fault's stable wire id")
        eq(faultDetail(f), "control tick overrun: 130 ms since the last tick (limit 100 ms)")
    })

    test("H3 H11 a treatment's events read back with their doses, areas and fault codes", async () => {
        const r = await armedRig({ ledger: [storedEntry(FACTORY_PROFILE, "periorbital", 1.99)] })
        // 0.01 pass is 154 punctures, 13 strokes: reached within the soft start
        await onePass(r, 600)
        isTrue(r.cmd({ kind: "select_area", areaId: "nose" }).ok, "to an area with dose left")
        await r.run(20)
        // a too-hard press in the second pass, then a device off the bus
        await touchUntilTreating(r, 1.5)
        r.forceN = 4.5
        await r.run(20)
        r.forceN = 0
        await r.run(r.p.force.releaseDebounceMs + 20)
        r.needleBound = false
        await r.run(20)
        r.needleBound = true
        await r.run(20)
        isTrue(r.cmd({ kind: "clear_fault" }).ok, "clear")
        const kinds: string[] = []
        for (const e of r.events) {
            sameAsPrinted(e)
            if (kinds.indexOf(e.kind) < 0) kinds.push(e.kind)
        }
        for (const k of ["state", "needling_start", "needling_end", "dose_warning", "area_locked", "over_pressure", "fault", "fault_cleared"])
            isTrue(kinds.indexOf(k) >= 0, "seen " + k)
        const starts: number[] = []
        for (const e of r.events) if (e.kind === "needling_start") starts.push(readBack(e).pass)
        eqDeep(starts, [1.99, 0], "the dose so far from the fields")
        let fault = ""
        for (const e of r.events) if (e.kind === "fault") fault = readBack(e).fault
        eq(fault, "role_lost")
    })

    test("H11 a line that is not the core's reads as its kind and text only", () => {
        eqDeep(parseEventLine("EVENT error writer: a bus write failed (1 so far): motor write failed"), {
            kind: "error",
            message: "writer: a bus write failed (1 so far): motor write failed",
        })
        eqDeep(parseEventLine("EVENT fault not_a_fault: something"), { kind: "fault", message: "not_a_fault: something" })
        eqDeep(parseEventLine("EVENT needling_start of something else"), { kind: "needling_start", message: "of something else" })
        eqDeep(parseEventLine("EVENT info"), { kind: "info", message: "" })
        eq(parseEventLine("STATUS state=idle"), undefined)
        eq(parseEventLine("LEDGER area=cheeks passes=1/3"), undefined)
    })

    test("H11 a message with line breaks (a store's exception text) prints as one line", () => {
        const e = faultEvent(5, "store_failed", "pass ledger not stored: flash write failed\nat settings.write\nretry")
        const line = eventLine(e)
        eq(line.indexOf("\n"), -1)
        eq(line, "EVENT fault store_failed: pass ledger not stored: flash write failed at settings.write retry")
    })
})
