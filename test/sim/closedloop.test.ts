// Closed loop in Node (sim/closedloop.ts): the control core around the plant, every scenario
// judged from what the simulated hardware did. Test names say the hazard in words; those
// docs/SAFETY.md lists carry its ids.
import { readFileSync } from "fs"
import { join } from "path"
import { describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { OP_DEPTH } from "../../drivers/writer"
import { ClosedLoopResult, runClosedLoop, PLANT_STEP_MS, STATES } from "../../sim/closedloop"
import { judge } from "../../sim/judge"
import { ScenarioBuilder, checkScenario, needledPasses } from "../../sim/scenario"
import { FAULT_CASES, acneScarCheeks, actuatorStuck, faultScenarios, pressingTooHard, quickAreaChanges } from "../../sim/scenarios"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))

function brief(r: ClosedLoopResult): string {
    const s = r.summary
    return `${s.scenario}: faults [${s.faults.map((f) => `${f.code}@${f.atMs}`).join(", ")}], ` +
        `cutoffs ${s.overPressureCutoffs}+${s.riseCutoffs}, max over-pressure drive ${s.maxOverPressureDriveMs} ms`
}

describe("closed loop: treatment scenarios", () => {
    test("acne-scar cheeks at 1.5 mm: treated clinically to a 1-pass dose (shortened), a request above the cap refused, locked at the dose", () => {
        const s = acneScarCheeks(12, 1)
        const r = runClosedLoop(profile, s)
        expect(judge(profile, r, s.expect)).toEqual([])
        expect(r.summary.refused.some((m) => m.includes("cap of 2.00 mm"))).toBe(true)
        expect(r.events.some((e) => e.kind === "area_locked")).toBe(true)
        // the real protrusion while treating is the preset, within the actuator's deadband
        const t = r.trace!
        for (let i = 0; i < t.length; i++)
            if (STATES[t.state[i]] === "treating") expect(Math.abs(t.depthActualMm[i] - 1.5)).toBeLessThanOrEqual(0.02 + 1e-6)
    })

    test("pressing too hard: no drive while the true force is above overPressureN beyond one force sample", () => {
        const s = pressingTooHard()
        for (const forcePhaseMs of [0, 2.5, 4.5]) {
            const r = runClosedLoop(profile, s, { forcePhaseMs, traceEveryMs: 0 })
            console.log(`  force phase ${forcePhaseMs} ms: ${brief(r)}, highest duty then ${r.summary.maxDutyWhileOverPressure.toFixed(2)}`)
            expect(judge(profile, r, s.expect)).toEqual([])
            expect(r.summary.maxOverPressureDriveMs).toBeLessThanOrEqual(5 + PLANT_STEP_MS)
        }
    })

    test("the over-pressure fast path: on the sample itself, not on the next tick", () => {
        // force samples half way between ticks: without the fast path the stop waits for the tick
        const s = pressingTooHard()
        const fast = runClosedLoop(profile, s, { forcePhaseMs: 2.5, traceEveryMs: 0 })
        const slow = runClosedLoop(profile, s, { forcePhaseMs: 2.5, traceEveryMs: 0, fastPath: false })
        console.log(`  over-pressure drive: ${fast.summary.maxOverPressureDriveMs} ms with the fast path, ${slow.summary.maxOverPressureDriveMs} ms on ticks alone`)
        expect(fast.summary.maxOverPressureDriveMs).toBeLessThanOrEqual(5 + PLANT_STEP_MS)
        expect(slow.summary.maxOverPressureDriveMs).toBeGreaterThan(fast.summary.maxOverPressureDriveMs)
        expect(fast.summary.controlSteps).toBeGreaterThan(1.9 * (fast.summary.simulatedMs / profile.control.tickMs))
    })

    test("same scenario, same seed: the same run", () => {
        const s = pressingTooHard()
        const a = runClosedLoop(profile, s, { traceEveryMs: 1 })
        const b = runClosedLoop(profile, s, { traceEveryMs: 1 })
        expect(b.events).toEqual(a.events)
        expect(Array.from(b.trace!.strokeHzTrue)).toEqual(Array.from(a.trace!.strokeHzTrue))
        expect(Array.from(b.trace!.forceMeasN)).toEqual(Array.from(a.trace!.forceMeasN))
    })
})

describe("closed loop: every injected fault", () => {
    const scenarios = faultScenarios()
    for (let i = 0; i < scenarios.length; i++) {
        const s = scenarios[i]
        const c = FAULT_CASES[i]
        const cut = s.expect.hazard === "drive_held" ? "core output cut (driver off the bus)" : "drive cut at once"
        test(`${s.name}: ${(s.expect.faults ?? []).join(",")}, ${cut}, cleared after repair`, () => {
            const r = runClosedLoop(profile, s)
            console.log(`  ${brief(r)}`)
            expect(judge(profile, r, s.expect)).toEqual([])
            for (const f of r.summary.faults) {
                if (s.expect.hazard === "drive_held") continue
                // drive off the motor in the step of the fault, the cam still within 30 ms
                expect(f.driveCutAfterMs).toBe(0)
                expect(f.needleStoppedAfterMs).toBeGreaterThanOrEqual(0)
                expect(f.needleStoppedAfterMs).toBeLessThanOrEqual(30)
            }
            if (s.expect.faults && s.expect.faults.length > 0) {
                expect(r.summary.faultsCleared).toBe(1)
                expect(r.summary.faults[0].atMs).toBeGreaterThan(0)
            }
            if (c.fault) expect(s.steps.some((st) => st.fault && st.fault.name === c.fault)).toBe(true)
        })
    }

    test("force sensor noisy: no code of its own; while loaded the pass runs on, lifted it reads as open", () => {
        const s = faultScenarios()[FAULT_CASES.findIndex((c) => c.fault === "forceNoisy")]
        const r = runClosedLoop(profile, s)
        // documented gap: no plausibility check for a noisy reading. Near 0 N the noise crosses
        // openBelowRatio and force_open trips (safe, but the message says "open circuit").
        const codes = r.summary.faults.map((f) => f.code)
        expect(codes.every((c) => c === "force_open")).toBe(true)
        console.log(`  ${brief(r)}`)
    })

    test("needle motor off the bus: role_lost at once, but the driver keeps its last drive until it is back", () => {
        const idx = FAULT_CASES.findIndex((c) => c.unplug === "needle")
        const s = faultScenarios()[idx]
        const r = runClosedLoop(profile, s)
        const f = r.summary.faults[0]
        expect(f.code).toBe("role_lost")
        // the core's output is 0 from the fault on; nothing reaches the motor until it rebinds
        const t = r.trace!
        for (let i = 0; i < t.length; i++) if (t.tMs[i] >= f.atMs && STATES[t.state[i]] === "fault") expect(t.dutyCore[i]).toBe(0)
        const replugAt = s.steps.find((st) => st.unplug && !st.unplug.off)!.atMs
        console.log(`  HAZARD (system, not core): motor kept ${r.trace!.dutyPlant[Math.round((f.atMs + 100) / 5)].toFixed(2)} drive for ${f.driveCutAfterMs} ms after role_lost, until it rebound at ${replugAt} ms`)
        expect(f.driveCutAfterMs).toBeCloseTo(replugAt - f.atMs, 0)
        const stop = runClosedLoop(profile, s, { needleOffBus: "stop", traceEveryMs: 0 })
        expect(stop.summary.driveInFaultMs).toBe(0)
    })

    test("depth actuator stuck between areas: no drive at the wrong depth, depth_not_following, then a pass at the right depth", () => {
        const s = actuatorStuck()
        const r = runClosedLoop(profile, s)
        expect(judge(profile, r, s.expect)).toEqual([])
        expect(r.events.some((e) => e.kind === "depth_wait")).toBe(true)
        console.log(`  ${brief(r)}`)
    })
})

describe("closed loop: regressions of core bugs the simulator found", () => {
    test("force_stuck: a clear is refused while the reading is still frozen (else the next arm starts a pass in the air)", () => {
        const b = new ScenarioBuilder("clear a stuck force sensor while still stuck", 5)
        b.command({ kind: "select_area", areaId: "cheeks" }).press("trigger").wait(500)
        const t0 = b.now()
        b.pass(5000)
        const end = b.now()
        b.wait(t0 + 1200 - end).fault("forceStuck", true).wait(end - t0 - 1200)
        b.wait(500).press("trigger", 2200, "clear, pen in the air, reading frozen at ~1.5 N").wait(300)
        b.press("trigger", 120, "arm").wait(3000)
        const r = runClosedLoop(profile, b.build({}))
        // the bug: the clear was accepted, the arm started pass 2 at once with 0 N on the needle,
        // the needle ran ~2 s in the air until force_stuck tripped again, and a pass was used up
        expect(r.summary.faultsCleared).toBe(0)
        // only the first glide's dose (at most its 5.2 s on the skin): nothing needled in the air
        expect(judge(profile, r, { passes: { cheeks: needledPasses("cheeks", 5200, 0.1) } })).toEqual([])
    })

    test("stroke sensor silent: the true rate never runs more than 20% over the set point for over 50 ms", () => {
        const s = faultScenarios()[FAULT_CASES.findIndex((c) => c.fault === "strokeSilent")]
        const r = runClosedLoop(profile, s, { traceEveryMs: 0 })
        // the bug: the regulator saw 0 strokes/s and wound to maxDuty 0.95; the cam ran ~182
        // strokes/s (set 120, hard limit 150) for the ~250 ms stroke_silent needs to trip
        console.log(`  silent sensor: true rate up to ${r.summary.maxStrokeHzTrue.toFixed(0)} strokes/s, ${r.summary.maxOver20PctRunMs} ms above set + 20%`)
        expect(r.summary.maxOver20PctRunMs).toBeLessThanOrEqual(50)
    })

    test("H8 areas changed in quick succession (a console, a fast thumb) latch no depth_not_following: the actuator passing a new depth on its way to an older one was not there", () => {
        // the bug: a reading taken before the new depth's servo write went out (held by the send
        // budget, or simply older than the write) counted as settled while the actuator still ran
        // to the previous depth; the next reading read as "moved away" (15 of 20 seeds at one
        // change every 20 ms, 2 of 20 at 120-250 ms). The VM's console flood latched it too
        const areas = profile.areas.map((a) => a.id)
        let runs = 0
        for (const [loMs, hiMs] of [[20, 20], [60, 250]]) {
            for (let seed = 1; seed <= 8; seed++) {
                const { scenario, lastAreaId: last } = quickAreaChanges(areas, seed, loMs, hiMs)
                const r = runClosedLoop(profile, scenario, { traceEveryMs: 100 })
                expect(r.summary.faults.map((f) => `${f.code}: ${f.message}`), `${scenario.durationMs} ms, seed ${seed}, every ${loMs}-${hiMs} ms`).toEqual([])
                // and the actuator did get to the last area's depth
                const tr = r.trace!
                const want = profile.areas.find((a) => a.id === last)!.preset.depthMm
                expect(Math.abs(tr.depthActualMm[tr.length - 1] - want)).toBeLessThanOrEqual(profile.depth.toleranceMm)
                runs++
            }
        }
        expect(runs).toBe(16)
    })

    test("H8 a depth servo write lost on the bus is sent again: the actuator reaches the new area's depth, no depth_not_following, and the pass runs there", () => {
        // a servo write is not acknowledged; without the resend the actuator stays at the old depth
        // and depth_not_following stops the treatment after depth.followTimeoutMs
        const to = profile.areas.find((a) => a.preset.depthMm !== profile.areas[0].preset.depthMm)!
        const b = new ScenarioBuilder("a lost depth write", 3)
        b.wait(500).command({ kind: "select_area", areaId: to.id }).wait(1000).press("trigger", 120, "arm").wait(500)
        b.hand([{ kind: "approach", durationMs: 300, forceN: 1.5 }, { kind: "glide", durationMs: 1500, forceN: 1.5 }])
        let lost = 0
        const r = runClosedLoop(profile, b.build({}, 500), {
            traceEveryMs: 10,
            loseWrite: (op, nowMs) => op === OP_DEPTH && nowMs >= 400 && lost === 0 && ++lost === 1,
        })
        expect(lost, "a depth write was lost").toBe(1)
        expect(r.summary.faults.map((f) => `${f.code}: ${f.message}`)).toEqual([])
        const tr = r.trace!
        const at = (ms: number) => tr.tMs.findIndex((t) => t >= ms)
        // the resend REFRESH_MS after the lost write, then the travel
        expect(Math.abs(tr.depthActualMm[at(1500)] - to.preset.depthMm), "at the new depth within 1 s").toBeLessThanOrEqual(profile.depth.toleranceMm)
        expect(r.events.some((e) => e.kind === "needling_start" && e.areaId === to.id), "treated there").toBe(true)
    })
})

describe("scenario format", () => {
    test("steps out of order, after the end, or without an action are refused", () => {
        const ok = pressingTooHard()
        expect(checkScenario(ok)).toBe("")
        expect(checkScenario({ ...ok, steps: [{ atMs: 10, press: "trigger" }, { atMs: 5, press: "area" }] })).toMatch(/time order/)
        expect(checkScenario({ ...ok, steps: [{ atMs: ok.durationMs + 1, press: "trigger" }] })).toMatch(/after the end/)
        expect(checkScenario({ ...ok, steps: [{ atMs: 1 }] })).toMatch(/no action/)
    })

    test("the builder may step back inside a hand script, never before the previous step", () => {
        const b = new ScenarioBuilder("order", 1)
        b.pass(1000)
        b.wait(-500).fault("forceNoisy", true).wait(500)
        expect(() => b.build({})).not.toThrow()
        b.press("area").wait(-1000).fault("forceNoisy", false)
        expect(() => b.build({})).toThrow(/time order/)
    })
})
