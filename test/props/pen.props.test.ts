// Property-based tests of the control core (vitest only): random streams of force (with noise
// and spikes), stroke-sensor behaviour, depth-actuator behaviour, bindings, buttons and console
// commands (including random set_preset values) over thousands of ticks; the safety invariants
// are checked on every tick. The hazard ids refer to docs/SAFETY.md.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { DEPTH_MAX_MM, PASS_LIMIT_MAX } from "../../core/limits"
import { PenCommand, PenOutputs } from "../../core/types"
import { copyProfile, puncturesFor, Rig, smallAreaProfile } from "../core/penkit"

/** runs of the main property; PROPS_RUNS=5000 for a longer search */
const RUNS = Number(process.env.PROPS_RUNS ?? 400)
const P = copyProfile()
/** 1 cm² areas: a pass is ~1.6 s of needling, so random use reaches the dose limits */
const SMALL = smallAreaProfile()
/** the most one tick's strokes can add, in passes of a 1 cm² area: ~1 stroke of 36 needles / 1,600 */
const TICK_DOSE_PASSES = 0.03
const AREA_IDS = P.areas.map((a) => a.id)
const CAP: Record<string, number> = {}
for (const a of P.areas) CAP[a.id] = a.depthCapMm

const areaId = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...AREA_IDS) },
    { weight: 1, arbitrary: fc.constantFrom("chin", "", "PERIORBITAL") },
)

const depthValue = fc.oneof(
    fc.integer({ min: 0, max: 64 }).map((k) => k * 0.05), // on the 0.05 mm grid, up to 3.2 mm
    fc.double({ min: -1, max: 4, noNaN: true }),
    fc.constantFrom(NaN, Infinity, -0.05, 3.0, 3.05),
)

const setPreset = fc.record({
    kind: fc.constant("set_preset" as const),
    areaId: areaId,
    depthMm: depthValue,
    strokeHz: fc.oneof(fc.integer({ min: 40, max: 160 }), fc.double({ min: 0, max: 200, noNaN: true }), fc.constant(NaN)),
    passLimit: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constantFrom(1.5, NaN)),
})

const command: fc.Arbitrary<PenCommand | null> = fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: fc.constant({ kind: "toggle_arm" as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: "next_area" as const }) },
    { weight: 2, arbitrary: areaId.map((id) => ({ kind: "select_area" as const, areaId: id })) },
    { weight: 2, arbitrary: setPreset },
    { weight: 1, arbitrary: fc.constant({ kind: "new_session" as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: "clear_fault" as const }) },
)

/** the hand: a base force with noise and spikes */
const force = fc.record({
    base: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.double({ min: 0.2, max: 0.6, noNaN: true }) },
        { weight: 5, arbitrary: fc.double({ min: 0.6, max: 3.5, noNaN: true }) },
        { weight: 2, arbitrary: fc.double({ min: 3.5, max: 9, noNaN: true }) },
    ),
    noise: fc.double({ min: 0, max: 0.4, noNaN: true }),
    /** a spike every n ticks (0: none) */
    spikeEvery: fc.integer({ min: 0, max: 30 }),
    spikeN: fc.double({ min: -2, max: 6, noNaN: true }),
    /** the ramp to the base (N per tick; 0: a step) */
    ramp: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 0.5, noNaN: true })),
})

const world = fc.record({
    stroke: fc.constantFrom("follow", "follow", "follow", "follow", "stall", "runaway", "slow", "silent"),
    depth: fc.constantFrom("follow", "follow", "follow", "follow", "stuck", "nan", "off"),
    /** 0..3: that role leaves the bus for the segment */
    unbind: fc.integer({ min: -12, max: 3 }),
    sensor: fc.constantFrom("ok", "ok", "ok", "ok", "ok", "ok", "open", "saturated", "stale", "frozen"),
})

const segment = fc.record({
    ms: fc.integer({ min: 5, max: 700 }),
    force: force,
    world: world,
    cmd: command,
    /** a second command (buttons and console race) */
    cmd2: command,
})

type Segment = typeof segment extends fc.Arbitrary<infer T> ? T : never

interface Tally {
    ticks: number
    treatingTicks: number
    passes: number
}

/** a deterministic noise source, so a failing case replays */
function noiseAt(seed: number, i: number): number {
    const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453
    return (x - Math.floor(x)) * 2 - 1
}

function applyWorld(r: Rig, s: Segment) {
    const w = s.world
    r.strokeHz = w.stroke === "stall" ? 0 : w.stroke === "runaway" ? 250 : w.stroke === "slow" ? 30 : -1
    r.strokeLive = w.stroke !== "silent"
    r.depthFollows = w.depth === "follow"
    if (w.depth === "nan") r.depthActualMm = NaN
    if (w.depth === "off") r.depthActualMm = r.out.depthTargetMm === r.out.depthTargetMm ? r.out.depthTargetMm + 0.3 : 0.3
    if (w.depth === "stuck" && r.depthActualMm !== r.depthActualMm) r.depthActualMm = 0
    r.needleBound = w.unbind !== 0
    r.depthBound = w.unbind !== 1
    r.pressureBound = w.unbind !== 2
    r.strokeBound = w.unbind !== 3
    r.ratio = w.sensor === "open" ? 0.002 : w.sensor === "saturated" ? 0.99 : -1
    r.forceLive = w.sensor !== "stale"
    r.dither = w.sensor !== "frozen"
}

/** run the segments, checking the invariants on every tick; returns a tally */
function play(r: Rig, segs: Segment[], seed: number): Tally {
    const t: Tally = { ticks: 0, treatingTicks: 0, passes: 0 }
    const overN = r.p.force.overPressureN
    const tol = r.p.depth.toleranceMm
    const releaseN = r.p.force.releaseN
    let sampleN = 0 // the force of the last sample the core has seen
    let prevSampleN = 0
    let prevState = r.pen.status().state
    let prevDepth = r.out.depthTargetMm
    let prevPasses = r.pen.ledgerEntries().map((e) => e.passes)
    // the core counts a stroke report's gain if the pen touched at any tick since the report before
    let touchedSinceReport = false
    let lastReportMs = -1
    // ... on the area selected at the last tick the pen touched (it changes only off the skin)
    let touchAreaId = ""
    for (const s of segs) {
        applyWorld(r, s)
        if (s.cmd) r.cmd(s.cmd)
        const n = Math.max(1, Math.round(s.ms / 5))
        for (let i = 0; i < n; i++) {
            if (s.cmd2 && i === Math.floor(n / 2)) r.cmd(s.cmd2)
            const f = s.force
            let target = f.base + f.noise * noiseAt(seed, t.ticks)
            if (f.spikeEvery > 0 && i % f.spikeEvery === f.spikeEvery - 1) target = f.base + f.spikeN
            if (target < 0) target = 0
            r.forceN = f.ramp > 0 && i * f.ramp < Math.abs(target - r.forceN) ? r.forceN + Math.sign(target - r.forceN) * f.ramp : target
            prevSampleN = sampleN
            if (r.forceLive) sampleN = r.forceN
            const out: PenOutputs = r.tick()
            t.ticks++
            const st = r.pen.status()
            // plain checks in the hot loop (expect() with a built message costs ~50 µs a tick)
            const bad = (rule: string) => {
                throw new Error(`${rule}: tick ${t.ticks} state ${st.state} area ${st.areaId} force ${sampleN} duty ${out.needleDuty} depth ${out.depthTargetMm}/${r.depthActualMm}`)
            }
            const d = out.needleDuty
            // drive bounded, and 0 whenever the needle must not move
            if (!(d >= 0 && d <= r.p.needle.maxDuty)) bad("H4 drive outside 0..maxDuty")
            if (sampleN > overN && d !== 0) bad("H2 drive while the force sample is above overPressureN")
            if ((st.state === "locked" || st.state === "fault") && d !== 0) bad("H3 drive on a locked area or in a fault")
            if (st.state !== "treating" && d !== 0) bad("drive outside a pass")
            if (st.needleDuty !== d) bad("status shows another duty")
            if ((out.indicator === "running" || out.indicator === "ending") !== (st.state === "treating")) bad("H11 indicator")
            // depth: never above the selected area's cap nor the hard maximum
            if (!(out.depthTargetMm <= CAP[st.areaId] + 1e-9)) bad("H1 depth target above the area cap")
            if (!(out.depthTargetMm <= DEPTH_MAX_MM && out.depthTargetMm >= 0)) bad("H1 depth target outside 0..3.0 mm")
            // the actuator moves only out of the skin and out of a pass (a command between two
            // ticks is judged on the sample before it, the tick itself on its own sample)
            if (t.ticks > 1 && out.depthTargetMm !== prevDepth) {
                if (prevState === "treating" || prevState === "paused") bad("H1 depth moved in a pass")
                if (sampleN >= releaseN && prevSampleN >= releaseN) bad("H1 depth moved while touching")
            }
            prevDepth = out.depthTargetMm
            prevState = st.state
            if (d > 0) {
                // driven only at the commanded depth, with every role on the bus
                if (!(Math.abs(r.depthActualMm - out.depthTargetMm) <= tol + 1e-9)) bad("H8 drive away from the commanded depth")
                // and the command is the selected area's preset (a preset changed on the skin waits for a lift)
                if (!(Math.abs(r.depthActualMm - r.pen.preset(st.areaId)!.depthMm) <= tol + 1e-9)) bad("H1 drive away from the selected area's preset depth")
                if (!(r.needleBound && r.depthBound && r.pressureBound && r.strokeBound)) bad("H12 drive with a role off the bus")
                t.treatingTicks++
            }
            // the dose: it grows only on the skin, only on the area selected while the pen
            // touched, never past the limit by more than one tick's strokes, and no drive once it is reached
            const entries = r.pen.ledgerEntries()
            const touching = sampleN >= releaseN
            if (touching) touchAreaId = st.areaId
            let touchedForGain = touchedSinceReport || touching
            if (r.strokeSampleMs !== lastReportMs) {
                lastReportMs = r.strokeSampleMs
                touchedSinceReport = touching
            } else {
                touchedForGain = touchedSinceReport || touching
                if (touching) touchedSinceReport = true
            }
            for (let k = 0; k < entries.length; k++) {
                const e = entries[k]
                const limit = r.pen.preset(e.areaId)!.passLimit
                if (e.passes > prevPasses[k]) {
                    if (r.strokeHz < 0 && e.passes > PASS_LIMIT_MAX + TICK_DOSE_PASSES) bad("H3 dosed above 3 passes")
                    t.passes += e.passes - prevPasses[k]
                    if (!touchedForGain) bad("H3 dose grew off the skin")
                    if (e.areaId !== touchAreaId) bad("H3 dose on an area other than the one selected while the pen touched")
                    // (a stroke sensor forced to a rate, a runaway motor, counts whatever the core
                    // decides: the dose is then what the skin really got, past the limit or not)
                    if (r.strokeHz < 0 && e.passes > limit + TICK_DOSE_PASSES) bad(`H3 ${e.areaId} dosed past its limit`)
                }
                if (e.areaId === st.areaId && d > 0 && e.passes >= limit) bad("H3 drive on an area at its limit")
                // what a power cycle restores: never below the dose, in whole punctures (a restored fraction is refused)
                if (!(e.reservedPunctures >= e.punctures) || Math.floor(e.reservedPunctures) !== e.reservedPunctures) bad(`H3 H10 ${e.areaId} reservation ${e.reservedPunctures} below the dose ${e.punctures} or not whole`)
            }
            prevPasses = entries.map((e) => e.passes)
        }
    }
    return t
}

describe("pen properties", () => {
    test("H1 H2 H3 H4 H5 H6 H7 H8 H12 safety invariants hold on every tick of random use", () => {
        let ticks = 0
        let treating = 0
        let passes = 0
        fc.assert(
            fc.property(fc.array(segment, { minLength: 5, maxLength: 30 }), fc.integer(), (segs, seed) => {
                const r = new Rig(undefined, SMALL)
                const t = play(r, segs, seed)
                ticks += t.ticks
                treating += t.treatingTicks
                passes += t.passes
            }),
            { numRuns: RUNS },
        )
        // the streams must really exercise treatment, not just sit in faults
        expect(ticks).toBeGreaterThan(50000)
        expect(treating).toBeGreaterThan(1000)
        expect(passes).toBeGreaterThan(5)
    }, 120_000)

    test("H3 H10 a restored ledger never grants dose beyond the limit", () => {
        fc.assert(
            fc.property(
                fc.array(fc.double({ min: 0, max: 3.2, noNaN: true }), { minLength: AREA_IDS.length, maxLength: AREA_IDS.length }),
                fc.integer({ min: 0, max: AREA_IDS.length - 1 }),
                (used, start) => {
                    const ledger = AREA_IDS.map((id, i) => ({
                        areaId: id, punctures: 0, reservedPunctures: puncturesFor(SMALL, id, used[i]), passes: 0, treatedMs: 0, overPressureCount: 0,
                    }))
                    const r = new Rig({ ledger: ledger, areaId: AREA_IDS[start] }, SMALL)
                    for (let i = 0; i < 4; i++) r.tick()
                    r.cmd({ kind: "toggle_arm" })
                    // touch and lift many times: 5 x 2 s on the skin is more than any area's dose
                    for (let k = 0; k < 5; k++) {
                        r.forceN = 1.5
                        for (let i = 0; i < 400; i++) r.tick()
                        r.forceN = 0
                        for (let i = 0; i < 70; i++) r.tick()
                    }
                    const limit = P.areas[start].preset.passLimit
                    const e = r.pen.ledgerEntries()[start]
                    expect(e.passes).toBeGreaterThanOrEqual(used[start] - 1e-9)
                    expect(e.passes).toBeLessThanOrEqual(Math.max(used[start] + 1e-3, limit + TICK_DOSE_PASSES))
                    if (used[start] >= limit) expect(r.count("needling_start")).toBe(0)
                    else expect(r.pen.status().state).toBe("locked")
                },
            ),
            { numRuns: 60 },
        )
    })

    test("H1 H11 random set_preset values: accepted only inside every limit, refused ones change nothing", () => {
        fc.assert(
            fc.property(fc.array(setPreset, { minLength: 1, maxLength: 20 }), (cmds) => {
                const r = new Rig()
                r.tick()
                for (const c of cmds) {
                    const before = JSON.stringify(AREA_IDS.map((id) => r.pen.preset(id)))
                    const res = r.cmd(c)
                    expect(res.message.length).toBeGreaterThan(0)
                    const area = P.areas.find((a) => a.id === c.areaId)
                    const valid =
                        area !== undefined &&
                        Number.isFinite(c.depthMm) && c.depthMm >= 0 && c.depthMm <= area.depthCapMm + 1e-9 && c.depthMm <= DEPTH_MAX_MM &&
                        Math.abs(c.depthMm / 0.05 - Math.round(c.depthMm / 0.05)) < 1e-6 &&
                        Number.isInteger(c.strokeHz) && c.strokeHz >= 50 && c.strokeHz <= 150 && Math.abs(c.strokeHz - P.motion.odrHz * Math.round(c.strokeHz / P.motion.odrHz)) > 3 &&
                        Number.isInteger(c.passLimit) && c.passLimit >= 1 && c.passLimit <= 3
                    expect(res.ok, JSON.stringify(c) + " -> " + res.message).toBe(valid)
                    if (!res.ok) expect(JSON.stringify(AREA_IDS.map((id) => r.pen.preset(id)))).toBe(before)
                    r.tick()
                    expect(r.out.depthTargetMm).toBeLessThanOrEqual(CAP[r.pen.status().areaId] + 1e-9)
                }
            }),
            { numRuns: 200 },
        )
    })
})
