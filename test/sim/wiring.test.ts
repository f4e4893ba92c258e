// Wiring mistakes built into the simulated pen (sim/plant/wiring.ts, issue 14): what each does to
// the signals at the pins, in the plant and through the VM devices' Jacdac readings, and, for the
// record, what today's firmware does with each in the closed loop (the baseline a power-on self-test
// has to beat; the table: PEN_VERBOSE=1 npx vitest run test/sim/wiring.test.ts).
import { readFileSync } from "fs"
import { join } from "path"
import { JDBus, JDService, MotorReg, SRV_BUTTON, SRV_MOTOR, SRV_POTENTIOMETER, SRV_ROTARY_ENCODER } from "jacdac-ts"
import { afterEach, describe, expect, test } from "vitest"
import type { Profile } from "../../core/profile"
import { runClosedLoop } from "../../sim/closedloop"
import { DEVICE_IDS, RoleName, SimPen } from "../../sim/devices"
import { Plant, PlantInputs, createPlant, stepPlant } from "../../sim/plant/pen"
import { WIRING_MISTAKES, WiringMistakeId, triggerPinPressed, wiringWith } from "../../sim/plant/wiring"
import { ScenarioBuilder } from "../../sim/scenario"
import { closeSimBuses, openSimBus } from "./simbus"

const profile: Profile = JSON.parse(readFileSync(join(__dirname, "../../devs.json"), "utf8"))
const angleForMm = (mm: number) => profile.depth.angleAtZeroDeg + mm * profile.depth.degPerMm
const ratioAtMm = (mm: number) => profile.depth.feedbackRatioAt0Mm + profile.depth.feedbackRatioPerMm * mm

/** step a plant for ms with the inputs held */
function run(p: Plant, inp: PlantInputs, ms: number): Plant {
    for (let t = 0; t < ms; t++) stepPlant(p, inp, 1)
    return p
}
const idle = (angleDeg = NaN, handForceN = 0, dutyCmd = 0): PlantInputs => ({ dutyCmd, depthAngleCmdDeg: angleDeg, handForceN })
const built = (...wiring: WiringMistakeId[]) => createPlant(profile, 3, { wiring })

describe("wiring mistakes as data", () => {
    test("each mistake is listed once, says what the builder did and what the hardware does", () => {
        const ids = WIRING_MISTAKES.map((m) => m.id)
        expect(new Set(ids).size).toBe(ids.length)
        for (const id of ["pots_swapped", "actuator_reversed", "feedback_reversed", "feedback_missing", "fsr_no_bias",
            "stroke_dead", "stroke_double", "trigger_stuck", "motor_disconnected"])
            expect(ids).toContain(id)
        for (const m of WIRING_MISTAKES) {
            expect(m.did.length).toBeGreaterThan(20)
            expect(m.hardware.length).toBeGreaterThan(20)
        }
        expect(() => wiringWith(["pots_crossed" as WiringMistakeId])).toThrow(/unknown wiring mistake/)
    })

    test("a pen built without mistakes is the default pen, bit for bit", () => {
        const a = createPlant(profile, 5)
        const b = createPlant(profile, 5, { wiring: [] })
        for (let t = 0; t < 3000; t++) {
            const inp = idle(angleForMm(1), t > 1000 ? 2 : 0, t > 500 ? 0.5 : 0)
            stepPlant(a, inp, 1)
            stepPlant(b, inp, 1)
            expect([b.forceRatio, b.depthFeedbackRatio, b.strokeCount]).toEqual([a.forceRatio, a.depthFeedbackRatio, a.strokeCount])
        }
    })
})

describe("what each mistake does at the pins (plant)", () => {
    test("pots_swapped: the pressure pin follows the needle's depth, the depthPos pin the hand's force", () => {
        const p = built("pots_swapped")
        run(p, idle(angleForMm(0)), 300)
        const at0 = p.forceRatio
        run(p, idle(angleForMm(2)), 800)
        expect(p.depthActualMm).toBeCloseTo(2, 1)
        // the wiper (0.15 at 0 mm, 0.51 at 2 mm) against R_m 10 kΩ with a 10 kΩ track: a little low
        expect(at0).toBeGreaterThan(0.12)
        expect(at0).toBeLessThan(0.15)
        expect(p.forceRatio).toBeGreaterThan(0.38)
        expect(p.forceRatio).toBeLessThan(ratioAtMm(2))
        // the FSR against the 1 MΩ pull-down: (F + 0.02)·100 / (1 + (F + 0.02)·100): 0.67 at rest
        expect(p.depthFeedbackRatio).toBeGreaterThan(0.6)
        expect(p.depthFeedbackRatio).toBeLessThan(0.72)
        const pressureBefore = p.forceRatio
        run(p, idle(angleForMm(2), 3), 300)
        expect(p.depthFeedbackRatio).toBeGreaterThan(0.98)
        // pressing does not move the pressure pin: the wiper is not the FSR
        expect(Math.abs(p.forceRatio - pressureBefore)).toBeLessThan(0.005)
    })

    test("actuator_reversed: a deeper command pulls the needle in, and the feedback falls", () => {
        const right = built()
        const p = built("actuator_reversed")
        run(right, idle(angleForMm(0.5)), 1000)
        run(p, idle(angleForMm(0.5)), 1000)
        const [rightLow, low] = [right.depthFeedbackRatio, p.depthFeedbackRatio]
        expect(p.depthActualMm).toBeCloseTo(2.5, 1) // the mirror of 0.5 mm about the servo's centre (1.5 mm)
        run(right, idle(angleForMm(1.5)), 1000)
        run(p, idle(angleForMm(2.5)), 1000)
        expect(right.depthFeedbackRatio).toBeGreaterThan(rightLow + 0.15)
        expect(p.depthFeedbackRatio).toBeLessThan(low - 0.3)
        expect(p.depthActualMm).toBeCloseTo(0.5, 1)
        // commanded flush, the needle stands out 3 mm
        run(p, idle(angleForMm(0)), 1500)
        expect(p.depthActualMm).toBeGreaterThan(2.9)
    })

    test("feedback_reversed: the depthPos ratio is 1 − the true one at every depth", () => {
        const right = built()
        const p = built("feedback_reversed")
        for (const mm of [0, 1, 2.5]) {
            run(right, idle(angleForMm(mm)), 1000)
            run(p, idle(angleForMm(mm)), 1000)
            expect(p.depthActualMm).toBeCloseTo(right.depthActualMm, 6)
            expect(p.depthFeedbackRatio).toBeCloseTo(1 - right.depthFeedbackRatio, 6)
        }
    })

    test("feedback_missing: the depthPos pin reads 0 while the needle moves", () => {
        const p = built("feedback_missing")
        for (const mm of [0, 1.5, 3]) {
            run(p, idle(angleForMm(mm)), 1000)
            expect(p.depthActualMm).toBeCloseTo(mm, 1)
            expect(p.depthFeedbackRatio).toBe(0)
        }
    })

    test("fsr_no_bias: the pressure pin floats to full scale within ~0.3 s, force or no force", () => {
        const p = built("fsr_no_bias")
        expect(p.forceRatio).toBe(0) // the node's 100 nF is empty at power-on
        run(p, idle(), 20)
        expect(p.forceRatio).toBeGreaterThan(0.2)
        expect(p.forceRatio).toBeLessThan(0.5) // τ = 1 ms / 0.02 = 50 ms
        run(p, idle(), 300)
        const ratios: number[] = []
        for (const f of [0, 0.5, 2, 4]) {
            run(p, idle(NaN, f), 200)
            ratios.push(p.forceRatio)
        }
        for (const r of ratios) expect(r).toBeGreaterThan(0.995)
    })

    test("fsr_no_live_zero: at rest the pressure pin reads as a cut cable does; pressed, the divider without its offset", () => {
        const p = built("fsr_no_live_zero")
        run(p, idle(), 200)
        expect(p.forceRatio).toBeLessThan(profile.force.openBelowRatio)
        run(p, idle(NaN, 1), 200)
        expect(p.forceRatio).toBeGreaterThan(0.45) // F / (1 + F) = 0.5 at 1 N, give or take the FSR's drift and noise
        expect(p.forceRatio).toBeLessThan(0.55)
    })

    test("stroke_dead: the cam turns, the count stays at 0", () => {
        const p = run(built("stroke_dead"), idle(NaN, 0, 0.6), 1000)
        expect(p.camRevs).toBeGreaterThan(50)
        expect(p.strokeCount).toBe(0)
    })

    test("stroke_double: twice the counts for the same revolutions", () => {
        const right = run(built(), idle(NaN, 0, 0.6), 1000)
        const p = run(built("stroke_double"), idle(NaN, 0, 0.6), 1000)
        expect(p.camRevs).toBe(right.camRevs)
        expect(right.strokeCount).toBe(Math.floor(right.camRevs * profile.stroke.countsPerStroke))
        expect(p.strokeCount).toBe(Math.floor(p.camRevs * profile.stroke.countsPerStroke * 2))
    })

    test("motor_disconnected: the bridge takes the duty, the cam never turns", () => {
        const p = run(built("motor_disconnected"), idle(NaN, 0, 0.8), 1000)
        expect(p.dutyApplied).toBe(0.8)
        expect(p.camRevs).toBe(0)
        expect(p.strokeHz).toBe(0)
        expect(p.strokeCount).toBe(0)
        expect(p.motorCurrentA).toBe(0)
    })

    test("trigger_stuck: the trigger pin reads pressed whatever the hand does", () => {
        const w = wiringWith(["trigger_stuck"])
        expect(triggerPinPressed(w, false)).toBe(true)
        expect(triggerPinPressed(wiringWith(), false)).toBe(false)
        expect(triggerPinPressed(wiringWith(), true)).toBe(true)
    })
})

// ---- the same through the VM devices: a Jacdac client reads what the firmware's roles would ----

let pen: SimPen | undefined
let client: JDBus | undefined

afterEach(async () => {
    await closeSimBuses()
    pen = client = undefined
})

async function bus(wiring: WiringMistakeId[]): Promise<SimPen> {
    ;({ pen, client } = await openSimBus(new SimPen(profile, { seed: 2, wiring })))
    return pen
}

/** the service a role's device offers, as the client sees it */
async function service(p: SimPen, role: RoleName, serviceClass: number): Promise<JDService> {
    const find = () => client!.services({ serviceClass }).find((s) => s.device.deviceId === DEVICE_IDS[role])
    await p.until(() => find() !== undefined, 5000, `the ${role} device`)
    return find()!
}

/** a register's value once it satisfies `ok`, asked for every 10 ms */
async function readingWhen(p: SimPen, svc: JDService, ok: (v: number) => boolean, what: string): Promise<number> {
    const reg = svc.readingRegister
    let v = NaN
    const poll = setInterval(() => void reg.sendGetAsync(), 10)
    try {
        await p.until(() => {
            const u = reg.unpackedValue as number[] | undefined
            v = u ? u[0] : NaN
            return u !== undefined && ok(v)
        }, 3000, what)
    } finally {
        clearInterval(poll)
    }
    return v
}

describe("what each mistake does on the simulated pen's bus (VM devices)", () => {
    test("pots_swapped: the pressure role's device reads the depth pot; trigger_stuck: the trigger reads pressed after a press ends", async () => {
        const p = await bus(["pots_swapped", "trigger_stuck"])
        const pressure = await service(p, "pressure", SRV_POTENTIOMETER)
        const depthPos = await service(p, "depthPos", SRV_POTENTIOMETER)
        // needle flush (0 mm): the pressure device carries the wiper's ~0.13, the depthPos device the FSR's ~0.67
        await readingWhen(p, pressure, (v) => v > 0.12 && v < 0.15, "the pressure device reading the wiper at 0 mm")
        await readingWhen(p, depthPos, (v) => v > 0.6 && v < 0.72, "the depthPos device reading the FSR at rest")
        p.handForceN = 3
        await readingWhen(p, depthPos, (v) => v > 0.98, "the depthPos device reading the pressed FSR")
        // never pressed, the trigger reads pressed; and again once a press has ended (the release's report sent)
        const trigger = await service(p, "trigger", SRV_BUTTON)
        await readingWhen(p, trigger, (v) => v > 0.5, "the trigger pressed before any press")
        await p.press("trigger", 100)
        await p.sleepSim(200)
        expect(await readingWhen(p, trigger, () => true, "a trigger reading")).toBeGreaterThan(0.5)
    })

    test("motor_disconnected: the motor takes the drive, the stroke device's count stays 0", async () => {
        const p = await bus(["motor_disconnected"])
        const motor = await service(p, "needle", SRV_MOTOR)
        const stroke = await service(p, "stroke", SRV_ROTARY_ENCODER)
        await motor.register(MotorReg.Enabled).sendSetPackedAsync([true])
        const t0 = p.plant.nowMs
        // speed writes every 50 ms feed the motor stage's dead-man, as the firmware's do
        const feed = setInterval(() => void motor.register(MotorReg.Speed).sendSetPackedAsync([0.6]), 50)
        try {
            // 0.6 on the wire is i1.15: 0.59997
            await p.until(() => Math.abs(p.duty() - 0.6) < 0.001, 3000, "the drive at the motor")
            await p.sleepSim(500)
            expect(p.duty()).toBeCloseTo(0.6, 3)
            expect(p.plant.dutyApplied).toBeCloseTo(0.6, 3)
            expect(await readingWhen(p, stroke, () => true, "a stroke reading")).toBe(0)
            expect(p.plant.camRevs).toBe(0)
            expect(p.plant.nowMs - t0).toBeGreaterThan(500)
        } finally {
            clearInterval(feed)
        }
    })

    test("stroke_double: the stroke device counts four per revolution", async () => {
        const p = await bus(["stroke_double"])
        const motor = await service(p, "needle", SRV_MOTOR)
        const stroke = await service(p, "stroke", SRV_ROTARY_ENCODER)
        await motor.register(MotorReg.Enabled).sendSetPackedAsync([true])
        const feed = setInterval(() => void motor.register(MotorReg.Speed).sendSetPackedAsync([0.5]), 50)
        try {
            await p.until(() => p.plant.camRevs > 30, 3000, "30 revolutions")
        } finally {
            clearInterval(feed)
            await motor.register(MotorReg.Speed).sendSetPackedAsync([0])
        }
        await p.until(() => p.plant.strokeHz < 0.5, 3000, "the cam at rest")
        const revs = p.plant.camRevs
        const count = await readingWhen(p, stroke, (v) => v === Math.floor(revs * 4), "the count at rest")
        expect(count).toBeGreaterThan(120)
    })
})

// ---- today's firmware with each mistake, in the closed loop ----

/** power on, wait 1 s, select cheeks, arm, a 3 s pass at 1.5 N, lift */
function bringUp(seed: number) {
    const b = new ScenarioBuilder("bring-up", seed, "power on, arm, one pass on the cheeks")
    b.wait(1000)
    b.command({ kind: "select_area", areaId: "cheeks" })
    b.press("trigger", 120, "arm").wait(500)
    b.pass(3000, 1.5, 1, "one pass")
    return b.build({}, 1500)
}

interface Outcome {
    faults: string
    finalState: string
    passes: number
    strokes: number
    maxDepthMm: number
}

function outcome(wiring: WiringMistakeId[], seed: number): Outcome {
    const r = runClosedLoop(profile, bringUp(seed), { plant: { wiring }, traceEveryMs: 5 })
    const t = r.trace!
    let maxDepth = 0
    for (let i = 0; i < t.length; i++) maxDepth = Math.max(maxDepth, t.depthActualMm[i])
    let strokes = 0
    const hz = t.strokeHzTrue
    for (let i = 0; i < t.length; i++) strokes += (hz[i] * 5) / 1000
    return {
        faults: r.summary.faults.map((f) => `${f.code}@${f.atMs}`).join(" ") || "none",
        finalState: r.summary.finalState,
        passes: r.summary.passes.cheeks ?? 0,
        strokes: Math.round(strokes),
        maxDepthMm: Math.round(maxDepth * 100) / 100,
    }
}

describe("today's firmware with each wiring mistake (closed loop; the baseline for the self-test)", () => {
    test("a correctly wired pen treats the pass in every seed, with no fault", () => {
        for (const seed of [1, 2, 3, 4, 5]) {
            const o = outcome([], seed)
            expect(o.faults).toBe("none")
            expect(o.strokes).toBeGreaterThan(200)
            // the dose: the plant's strokes on the skin x 12 needles over a cheek pass (48 cm² x 1950/cm²)
            const fromPlant = (o.strokes * 12) / (48 * 1950)
            expect(o.passes).toBeGreaterThan(0.8 * fromPlant)
            expect(o.passes).toBeLessThan(1.05 * fromPlant)
        }
    })

    test("each mistake reaches the closed loop: the pen does something other than a correct pen", () => {
        const right = outcome([], 1)
        const rows = [`| mistake | faults latched (code@ms) | final state | passes | strokes | max depth (mm) |`, `|---|---|---|---|---|---|`]
        rows.push(`| (none) | ${right.faults} | ${right.finalState} | ${right.passes} | ${right.strokes} | ${right.maxDepthMm} |`)
        for (const m of WIRING_MISTAKES) {
            const o = outcome([m.id], 1)
            rows.push(`| ${m.id} | ${o.faults} | ${o.finalState} | ${o.passes} | ${o.strokes} | ${o.maxDepthMm} |`)
            expect(o, m.id).not.toEqual(right)
        }
        if (process.env.PEN_VERBOSE) console.log(rows.join("\n"))
    })
})
