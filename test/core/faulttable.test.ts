// The fault catalogue (faults.ts) as a table: every fault code has exactly one entry, the way it
// clears, and an action for the operator; an unknown code gets the most restrictive answer. The
// detector table (detectors.ts) has one entry per code of the catalogue, none missing, none extra.
// And the status line for an actuator that reports no position. Found by mutation testing.

import { describe, test } from "@devicescript/test"
import { checkedRules, detectorCodes, tableRules } from "../../core/detectors"
import { faultInfo, faultList, faultWatches } from "../../core/faults"
import { statusLine } from "../../core/statusline"
import { FaultCode } from "../../core/types"
import { contains, eq, isTrue } from "../kit/assert"
import { boundRig } from "./penkit"

const WHEN_GONE: FaultCode[] = [
    "force_open", "force_saturated", "force_stale", "force_stuck", "stroke_silent", "stroke_overspeed",
    "depth_missing", "depth_not_following", "role_lost", "tick_overrun", "drive_mismatch", "store_failed",
    "motion_silent", "motion_stuck", "motion_saturated", "stroke_undercount", "motion_rate",
]

const FAULTS = faultList()

describe("fault table", () => {
    test("H11 every fault code has one entry: how it clears and what the operator should do", () => {
        eq(FAULTS.length, 19, "nineteen codes")
        for (const c of WHEN_GONE) {
            const f = faultInfo(c)
            eq(f.code, c, "entry for " + c)
            eq(f.clears, "when_gone", c + " clears once the condition is gone")
            isTrue(f.action.length > 10, c + " says what to do")
            contains(f.action, "clear the fault", c)
        }
        eq(faultInfo("profile_invalid").code, "profile_invalid")
        eq(faultInfo("profile_invalid").clears, "never")
        contains(faultInfo("profile_invalid").action, "reflash")
        eq(faultInfo("settings_invalid").code, "settings_invalid")
        eq(faultInfo("settings_invalid").clears, "new_session")
        contains(faultInfo("settings_invalid").action, "new session")
        for (let i = 0; i < FAULTS.length; i++)
            for (let j = 0; j < i; j++) isTrue(FAULTS[i].code !== FAULTS[j].code, "unique code " + FAULTS[i].code)
    })

    test("H11 each fault has a stable wire id: the console protocol's numbers are pinned, and never shared", () => {
        const pinned = [
            "force_open", "force_saturated", "force_stale", "force_stuck", "stroke_silent", "stroke_overspeed", "depth_missing",
            "depth_not_following", "role_lost", "tick_overrun", "profile_invalid", "settings_invalid", "drive_mismatch", "store_failed",
            "motion_silent", "motion_stuck", "motion_saturated", "stroke_undercount", "motion_rate",
        ]
        for (let i = 0; i < pinned.length; i++) eq(faultInfo(pinned[i] as FaultCode).id, i + 1, pinned[i])
        for (let i = 0; i < FAULTS.length; i++)
            for (let j = 0; j < i; j++) isTrue(FAULTS[i].id !== FAULTS[j].id, "unique id " + FAULTS[i].id)
        for (const f of FAULTS) isTrue(faultWatches(f.code).length > 0, f.code + " names the input it watches")
    })

    test("H11 every fault of the catalogue has exactly one detector entry, with its clear check", () => {
        const codes = detectorCodes()
        eq(codes.length, FAULTS.length, "one entry per fault")
        for (const f of FAULTS) {
            let n = 0
            for (const c of codes) if (c === f.code) n++
            eq(n, 1, "entries for " + f.code)
        }
    })

    test("H11 the tick checks every rule of the detector table, none left out", () => {
        eq(checkedRules(), tableRules(), "rules check() calls = rules with a detect in the table")
    })

    test("H11 each fault's action is its own", () => {
        eq(faultInfo("force_open").action, "check the force sensor cable, then clear the fault")
        eq(faultInfo("force_saturated").action, "check the force sensor for a short or a jammed face, then clear the fault")
        eq(faultInfo("force_stale").action, "the force sensor stopped reporting: check its connection, then clear the fault")
        eq(faultInfo("force_stuck").action, "the force reading froze: check the sensor, then clear the fault")
        eq(faultInfo("stroke_silent").action, "check the cartridge for a jam and the stroke sensor, then clear the fault")
        eq(faultInfo("stroke_overspeed").action, "check the motor driver and the stroke sensor, then clear the fault")
        eq(faultInfo("depth_missing").action, "check the depth actuator connection, then clear the fault")
        eq(faultInfo("depth_not_following").action, "check the depth actuator for a jam, then clear the fault")
        eq(faultInfo("role_lost").action, "reconnect the device, then clear the fault")
        eq(faultInfo("tick_overrun").action, "the control loop stalled: clear the fault; report it if it repeats")
        eq(faultInfo("profile_invalid").action, "fix devs.json and reflash the firmware")
        eq(faultInfo("settings_invalid").action, "start a new session (the stored pass ledger cannot be trusted)")
    })

    test("H11 an unknown fault code gets the most restrictive answer", () => {
        const bogus: any = "no_such_fault"
        const f = faultInfo(bogus)
        eq(f.code, bogus)
        eq(f.clears, "never")
        eq(f.action, "reflash the firmware")
    })

    test("H11 the status line shows ? for a depth actuator that reports no position", async () => {
        const r = await boundRig()
        r.depthFollows = false
        r.depthActualMm = NaN
        r.tick()
        contains(statusLine(r.pen.status()), "depth=0.25/?mm")
    })
})
