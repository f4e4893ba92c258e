// The handpiece accelerometer on the simulated pen's bus (sim/devices.ts, option `accelerometer`):
// a Jacdac client reads the Accelerometer service's forces in g, moving as the technique's path
// accelerates (sim/plant/imu.ts). Off by default: the rig's devices are unchanged.
import { JDBus, REPORT_UPDATE, SRV_ACCELEROMETER } from "jacdac-ts"
import { afterEach, describe, expect, test, vi } from "vitest"
import { ACCEL_DEVICE_ID, ACCEL_POLL_MS, SimPen } from "../../sim/devices"
import { TechniqueBuilder } from "../../sim/plant/technique"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { closeSimBuses, openSimBus } from "./simbus"

let pen: SimPen | undefined
let client: JDBus | undefined

afterEach(async () => {
    await closeSimBuses()
    pen = client = undefined
})

/** the plant-clock times (ms) at which the pen's accelerometer server reads its chip, from now on */
function chipReadTimes(p: SimPen): number[] {
    const readsMs: number[] = []
    const read = p.accel!.read.bind(p.accel!)
    vi.spyOn(p.accel!, "read").mockImplementation((nowMs, x, y, z, push) => {
        readsMs.push(nowMs)
        read(nowMs, x, y, z, push)
    })
    return readsMs
}

describe("the accelerometer on the simulated pen's bus", () => {
    test("off by default: no Accelerometer device", () => {
        pen = new SimPen(FACTORY_PROFILE)
        expect(pen.accel).toBeUndefined()
        expect(pen.imu).toBeUndefined()
    })

    test("a Jacdac client reads forces in g that swing when the pen is moved 40 mm in 0.3 s", async () => {
        ;({ pen, client } = await openSimBus(new SimPen(FACTORY_PROFILE, { accelerometer: true, seed: 4 })))
        await pen.until(() => client!.services({ serviceClass: SRV_ACCELEROMETER }).length > 0, 5000, "the Accelerometer service")
        const svc = client.services({ serviceClass: SRV_ACCELEROMETER })[0]
        expect(svc.device.deviceId).toBe(ACCEL_DEVICE_ID)
        const reg = svc.readingRegister
        const samples: { tMs: number; g: number[] }[] = []
        reg.on(REPORT_UPDATE, () => samples.push({ tMs: pen!.plant.nowMs, g: reg.unpackedValue as number[] }))
        const poll = setInterval(() => void reg.sendGetAsync(), 10)
        try {
            // still on the skin, then lifted and set down 40 mm along x, then still again
            const t = new TechniqueBuilder(10, 20)
            t.hold(500).liftTo(50, 20, 300, 5).hold(200)
            const t0 = pen.plant.nowMs
            await pen.playTechnique(t.build())
            const still = samples.filter((s) => s.tMs > t0 + 100 && s.tMs < t0 + 480)
            const moving = samples.filter((s) => s.tMs > t0 + 500 && s.tMs < t0 + 850)
            // new readings only (an update is a change): ~10 of the chip's 26 Hz samples in 380 ms
            expect(still.length).toBeGreaterThan(6)
            expect(moving.length).toBeGreaterThan(5)
            // at rest the chip reads gravity: 1 g in all, nothing along x (the tilt is about x)
            for (const s of still) {
                expect(Math.abs(Math.hypot(s.g[0], s.g[1], s.g[2]) - 1)).toBeLessThan(0.1)
                expect(Math.abs(s.g[0])).toBeLessThan(0.06)
            }
            // the move: minimum-jerk, peak 5.77 x 40 mm / (0.3 s)² = 2.6 m/s² = 0.26 g along x, both signs
            const xs = moving.map((s) => s.g[0])
            expect(Math.max(...xs)).toBeGreaterThan(0.15)
            expect(Math.min(...xs)).toBeLessThan(-0.15)
        } finally {
            clearInterval(poll)
        }
    })

    test("the server reads the chip on a fixed grid of the plant's clock (jacdac-c polls every 15.39 ms on its own timer), whatever the host's timer does", async () => {
        pen = new SimPen(FACTORY_PROFILE, { accelerometer: true, seed: 4 })
        const readsMs = chipReadTimes(pen)
        pen.start()
        // the host's timer runs late now and then: one check in ten holds the host 30 ms
        const until = pen.plant.nowMs + 1000
        let stalls = 0
        await pen.until(() => {
            if (Math.random() < 0.1) {
                stalls++
                const t = performance.now()
                while (performance.now() - t < 30);
            }
            return pen!.plant.nowMs >= until
        }, 10000, "1 s of plant time")
        pen.stop()
        expect(stalls, "the host was held up").toBeGreaterThan(0)
        expect(readsMs.length).toBeGreaterThan(60)
        // read k at the first plant step (at most 0.5 ms) at or after k x 15.39 ms: no drift, no read skipped
        readsMs.forEach((tMs, k) => {
            expect(tMs, `read ${k}`).toBeGreaterThanOrEqual(k * ACCEL_POLL_MS - 1e-9)
            expect(tMs, `read ${k}`).toBeLessThanOrEqual(k * ACCEL_POLL_MS + 0.5 + 1e-9)
        })
    })

    test("on a board's 10 ms main loop (accelLoopTickMs) each read waits for the first tick at or after its grid point, and the grid does not drift", async () => {
        pen = new SimPen(FACTORY_PROFILE, { accelerometer: true, seed: 4, accelLoopTickMs: 10 })
        const readsMs = chipReadTimes(pen)
        pen.start()
        await pen.sleepSim(1000)
        pen.stop()
        expect(readsMs.length).toBeGreaterThan(60)
        readsMs.forEach((tMs, k) => {
            const tick = Math.ceil((k * ACCEL_POLL_MS - 1e-9) / 10) * 10
            expect(tMs, `read ${k}`).toBeGreaterThanOrEqual(tick - 1e-9)
            expect(tMs, `read ${k}`).toBeLessThanOrEqual(tick + 0.5 + 1e-9)
        })
    })
})
