// The accelerometer's rate on the pen: drivers/lsm6ds.ts against the register-level fake in
// sim/lsm6ds.ts, on a virtual clock. What is asserted is what the chip was written and what rate
// the core is told (PenInputs.accelOdrHz, which the core checks: test/core/dwell.test.ts motion_rate).
import { describe, expect, test } from "vitest"
import { AccelRate, RATE_CHECK_MS, RATE_WAIT_MS, odrHzOfCode } from "../../drivers/lsm6ds"
import { FakeLsm6ds, JACDAC_CTRL1_XL, Lsm6dsParams } from "../../sim/lsm6ds"
import { Pen } from "../../core/pen"
import { PenInputs } from "../../core/types"
import { FACTORY_PROFILE } from "../../src/profile.g"

const ODR_HZ = FACTORY_PROFILE.motion.odrHz

interface Rig {
    fake: FakeLsm6ds
    rate: AccelRate
    inp: PenInputs
    t: number
}

function rig(p?: Partial<Lsm6dsParams>): Rig {
    const fake = new FakeLsm6ds(p)
    const inp = { nowMs: 0, motionBound: false, accelSampleMs: -1 } as PenInputs
    return { fake, rate: new AccelRate(fake, ODR_HZ), inp, t: 1000 }
}

/** a rig whose role bound and has run for a second: the rate written and read back (for a chip that takes it) */
async function boundRig(p?: Partial<Lsm6dsParams>): Promise<Rig> {
    const r = rig(p)
    r.inp.motionBound = true
    await run(r, 1000)
    return r
}

/** run the driver's fiber for `ms` of virtual time, the role reporting every 20 ms while bound */
async function run(r: Rig, ms: number): Promise<void> {
    const end = r.t + ms
    let due = r.t
    while (r.t < end) {
        if (r.inp.motionBound && r.t % 20 === 0) r.inp.accelSampleMs = r.t
        if (r.t >= due) due = r.t + (await r.rate.step(r.inp, r.t))
        r.t += 10
    }
}

describe("the accelerometer's rate (drivers/lsm6ds.ts)", () => {
    test("ODR_XL codes: 1 is 12.5 Hz, 2 is 26, 3 is 52 (jacdac-c's 0x3C), each next one doubles", () => {
        expect([0, 1, 2, 3, 4, 6].map(odrHzOfCode)).toEqual([0, 12.5, 26, 52, 104, 416])
        expect(odrHzOfCode(JACDAC_CTRL1_XL >> 4)).toBe(52)
    })

    test("H16 once the role has bound and reported, CTRL1_XL is written to motion.odrHz (the range bits the server set kept) and the rate read back goes to the core", async () => {
        expect(ODR_HZ).toBe(26)
        const r = rig()
        await run(r, 500)
        expect(r.fake.writes, "nothing before the role binds").toEqual([])
        r.inp.motionBound = true
        await run(r, 1000)
        expect(r.fake.writes).toEqual([[0x6a, 0x10, 0x2c]])
        expect(r.fake.ctrl1Xl & 0x0f, "8 g and the filter bits as the server set them").toBe(JACDAC_CTRL1_XL & 0x0f)
        expect(r.inp.accelOdrHz).toBe(26)
        const before = r.fake.addressed.length
        await run(r, 5000)
        expect(r.fake.writes.length, "read back, not written again").toBe(1)
        expect(r.fake.addressed.length - before, "one register read a second (RATE_CHECK_MS)").toBeLessThanOrEqual(5000 / RATE_CHECK_MS + 1)
        expect(new Set(r.fake.addressed), "only the chip's own address").toEqual(new Set([0x6a]))
    })

    test("H16 a chip already at motion.odrHz when the role binds is read, not written, and its rate told", async () => {
        const r = await boundRig({ ctrl1Xl: 0x2c })
        expect(r.fake.writes).toEqual([])
        expect(r.inp.accelOdrHz).toBe(26)
    })

    test("H16 the write waits for a reading after the bind (the server sets 52 Hz at the stream's first request, which would undo an earlier write)", async () => {
        const r = rig()
        r.inp.accelSampleMs = 900
        r.inp.motionBound = true
        const first = await r.rate.step(r.inp, 1000)
        expect(first).toBe(RATE_WAIT_MS)
        expect(r.fake.writes, "a reading from before the bind does not count").toEqual([])
        r.inp.accelSampleMs = 1000
        await r.rate.step(r.inp, 1100)
        expect(r.fake.writes, "nor one stamped at the bind").toEqual([])
        r.inp.accelSampleMs = 1050
        await r.rate.step(r.inp, 1200)
        expect(r.fake.writes).toEqual([[0x6a, 0x10, 0x2c]])
        expect(r.inp.accelOdrHz, "the write itself is not the chip's rate: read back next").toBeUndefined()
    })

    test("H16 the chip at 0x6B (SA0 high) or an LSM6DSO (WHO_AM_I 0x6C) is found and set", async () => {
        for (const p of [{ addr: 0x6b }, { whoAmI: 0x6c }]) {
            const r = await boundRig(p)
            expect(r.fake.writes).toEqual([[p.addr ?? 0x6a, 0x10, 0x2c]])
            expect(r.inp.accelOdrHz).toBe(26)
        }
    })

    test("H16 no chip that answers, or another chip at its address: nothing written, and the core told the rate cannot be read (-1)", async () => {
        for (const p of [{ absent: true }, { whoAmI: 0x69 }]) {
            const r = rig(p)
            r.inp.motionBound = true
            await run(r, 3000)
            expect(r.fake.writes).toEqual([])
            expect(r.inp.accelOdrHz).toBe(-1)
            expect(new Set(r.fake.addressed), "only the two addresses an LSM6DS answers at").toEqual(new Set([0x6a, 0x6b]))
        }
    })

    test("H16 a rate the chip does not have (the profile check refuses it: only 26 x 2^k): the driver still ends its step, and the rate it reads back is not that one (motion_rate)", async () => {
        const fake = new FakeLsm6ds()
        const rate = new AccelRate(fake, 39)
        const inp = { nowMs: 0, motionBound: true, accelSampleMs: -1 } as PenInputs
        await rate.step(inp, 1000)
        inp.accelSampleMs = 1010
        await rate.step(inp, 1100)
        await rate.step(inp, 1200)
        expect(inp.accelOdrHz, "the fastest it has, 13 x 2^9 (ST: 6.66 kHz)").toBe(odrHzOfCode(10))
    })

    test("H16 a chip that drops the write: the core is told 52 Hz (motion_rate) and the write is tried again", async () => {
        const r = await boundRig({ dropsWrites: true })
        expect(r.inp.accelOdrHz).toBe(52)
        expect(r.fake.writes.length).toBeGreaterThan(5)
    })

    test("H16 the server setting the chip up again later (52 Hz) is told to the core before it is written over, then the rate read back", async () => {
        const r = await boundRig()
        const seen: (number | undefined)[] = [r.inp.accelOdrHz]
        r.fake.reinit()
        for (let i = 0; i < 250; i++) {
            await run(r, 10)
            if (seen[seen.length - 1] !== r.inp.accelOdrHz) seen.push(r.inp.accelOdrHz)
        }
        expect(seen).toEqual([26, 52, 26])
        expect(r.fake.writes.length).toBe(2)
    })

    test("H16 after the role is lost and bound again the rate is written again without a report of the server's 52 Hz", async () => {
        const r = await boundRig()
        r.inp.motionBound = false
        r.fake.reinit()
        const addressed = r.fake.addressed.length
        await run(r, 500)
        expect(r.fake.addressed.length, "the chip is left alone while the role is unbound").toBe(addressed)
        expect(r.inp.accelOdrHz, "nothing told while unbound").toBe(26)
        r.inp.motionBound = true
        const seen = new Set<number | undefined>()
        for (let i = 0; i < 100; i++) {
            await run(r, 10)
            seen.add(r.inp.accelOdrHz)
        }
        expect([...seen]).toEqual([26])
        expect(r.fake.writes.length).toBe(2)
    })

    test("H16 a bus that fails twice in a row: the core told -1 (cannot be read) within RATE_WAIT_MS of the second; once is tried again and not told; the rate again once the bus answers", async () => {
        const r = await boundRig()
        r.fake.busError = true
        const t0 = r.t
        let toldAt = -1
        while (r.t < t0 + 3 * RATE_CHECK_MS && toldAt < 0) {
            await run(r, 10)
            if (r.inp.accelOdrHz === -1) toldAt = r.t
        }
        expect(toldAt - t0, "the first failure at the next check, told at the retry").toBeLessThanOrEqual(RATE_CHECK_MS + RATE_WAIT_MS + 20)
        r.fake.busError = false
        await run(r, RATE_CHECK_MS + 20)
        expect(r.inp.accelOdrHz).toBe(26)
        // one failed transfer alone: nothing told
        const once = await boundRig()
        once.fake.busError = true
        await run(once, RATE_CHECK_MS + 5)
        once.fake.busError = false
        await run(once, 3 * RATE_CHECK_MS)
        expect(once.fake.addressed.length).toBeGreaterThan(0)
        expect(once.inp.accelOdrHz).toBe(26)
    })

    test("H16 a chip the server has powered down (ODR code 0) is told as 0 Hz and not woken by the driver", async () => {
        const r = await boundRig()
        r.fake.ctrl1Xl = 0x0c
        await run(r, 2 * RATE_CHECK_MS)
        expect(r.inp.accelOdrHz).toBe(0)
        expect(r.fake.writes.length).toBe(1)
    })

    test("H16 after a bus error the chip is looked for again (a board whose chip now answers at 0x6B is found there)", async () => {
        const r = await boundRig()
        r.fake.busError = true
        await run(r, RATE_CHECK_MS + 20)
        r.fake.busError = false
        r.fake.p.addr = 0x6b
        r.fake.reinit()
        await run(r, 3 * RATE_CHECK_MS)
        expect(r.fake.writes[r.fake.writes.length - 1]).toEqual([0x6b, 0x10, 0x2c])
        expect(r.inp.accelOdrHz).toBe(26)
    })

    test("H16 with the pen: a chip that drops the write latches motion_rate at once, before arming; a chip that takes it trips nothing", async () => {
        for (const dropsWrites of [true, false]) {
            const r = rig({ dropsWrites })
            const pen = new Pen(FACTORY_PROFILE)
            r.inp.motionBound = true
            await run(r, 1000)
            const inp: PenInputs = {
                nowMs: r.t, forceN: 0, forceRatio: 0.1, forceSampleMs: r.t, strokes: 0, strokeSampleMs: r.t,
                depthActualMm: 0, depthSampleMs: r.t, needleBound: true, depthBound: true, pressureBound: true, strokeBound: true,
                needleSentDuty: 0, motionBound: true, accelXG: 0, accelYG: 0.5, accelZG: -0.866, accelSampleMs: r.t,
                accelOdrHz: r.inp.accelOdrHz,
            }
            const out = pen.tick(inp)
            expect(out.needleDuty).toBe(0)
            expect(pen.status().fault?.code ?? "", `dropsWrites ${dropsWrites}`).toBe(dropsWrites ? "motion_rate" : "")
        }
    })
})
