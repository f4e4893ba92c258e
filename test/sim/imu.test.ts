// The accelerometer in the handpiece: the same path as the skin map, gravity, tremor, the motor's
// vibration, and what an LSM6DS-class chip makes of them (filter, output rate, range, LSB).
import { describe, expect, test } from "vitest"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { DEFAULT_IMU, ImuParams, createImu, createImuInput, imuLsbG, stepImu } from "../../sim/plant/imu"
import { Technique, TechniqueBuilder, createPose, techniquePoseAt } from "../../sim/plant/technique"

interface Samples {
    t: number[]
    x: number[]
    y: number[]
    z: number[]
}

/** Play a technique through the IMU (1 ms steps); the needle runs at strokeHz while on the skin if `motorOnlyInContact`. */
function run(
    tech: Technique,
    params: Partial<ImuParams>,
    opts: { seed?: number; strokeHz?: number; fromMs?: number; toMs?: number; motorOnlyInContact?: boolean } = {},
): Samples {
    const imu = createImu(opts.seed !== undefined ? opts.seed : 1, params)
    const out: Samples = { t: [], x: [], y: [], z: [] }
    const fromMs = opts.fromMs !== undefined ? opts.fromMs : 0
    imu.onSample = (t, x, y, z) => {
        if (t < fromMs) return
        out.t.push(t)
        out.x.push(x)
        out.y.push(y)
        out.z.push(z)
    }
    const pose = createPose()
    const input = createImuInput()
    const toMs = opts.toMs !== undefined ? opts.toMs : tech.durationMs
    for (let t = 0; t < toMs; t++) {
        techniquePoseAt(tech, t, pose)
        input.axMmS2 = pose.axMmS2
        input.ayMmS2 = pose.ayMmS2
        input.azMmS2 = pose.azMmS2
        input.contact = pose.contact
        input.tiltXRad = pose.tiltXRad
        input.tiltYRad = pose.tiltYRad
        const stroke = opts.strokeHz || 0
        input.strokeHz = opts.motorOnlyInContact && !pose.contact ? 0 : stroke
        stepImu(imu, 1, input)
    }
    return out
}

function mean(xs: number[]): number {
    return xs.reduce((a, b) => a + b, 0) / xs.length
}

function rms(xs: number[]): number {
    const m = mean(xs)
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length)
}

/** amplitude of the component at hz (a single-frequency DFT over the samples' own times) */
function amplitudeAt(t: number[], xs: number[], hz: number): number {
    const m = mean(xs)
    let re = 0
    let im = 0
    for (let i = 0; i < xs.length; i++) {
        const a = (2 * Math.PI * hz * t[i]) / 1000
        re += (xs[i] - m) * Math.cos(a)
        im -= (xs[i] - m) * Math.sin(a)
    }
    return (2 * Math.hypot(re, im)) / xs.length
}

/** frequency (Hz, 0.1 Hz steps) of the largest component between loHz and hiHz */
function peakHz(t: number[], xs: number[], loHz: number, hiHz: number): number {
    let best = -1
    let bestHz = NaN
    for (let hz = loHz; hz <= hiHz + 1e-9; hz += 0.1) {
        const a = amplitudeAt(t, xs, hz)
        if (a > best) {
            best = a
            bestHz = hz
        }
    }
    return bestHz
}

/** no hand: no tremor, no tilt wander */
const STILL: Partial<ImuParams> = { tremorRmsUm: [0, 0], tiltWanderDeg: [0, 0] }

describe("handpiece accelerometer", () => {
    test("at rest it reads gravity the Jacdac way (upright: z = -1 g), in whole LSBs, with the datasheet's noise", () => {
        const rest = new TechniqueBuilder(0, 0).hold(6000).build()
        const s = run(rest, { ...STILL, skinTiltDeg: 0, rangeG: 8 }, { fromMs: 1000 })
        // the rate the board's firmware sets (motion.odrHz, 26 Hz) for 5 s
        expect(s.t.length).toBeGreaterThan(5 * DEFAULT_IMU.odrHz - 2)
        expect(s.t[1] - s.t[0]).toBeCloseTo(1000 / DEFAULT_IMU.odrHz, 6)
        expect(mean(s.x)).toBeCloseTo(0, 3)
        expect(mean(s.y)).toBeCloseTo(0, 3)
        expect(mean(s.z)).toBeCloseTo(-1, 3)
        // 90 µg/√Hz through LPF1 at ODR/2: under a milli-g
        expect(rms(s.z) * 1000).toBeGreaterThan(0.25)
        expect(rms(s.z) * 1000).toBeLessThan(1)
        const lsb = imuLsbG(8)
        expect(lsb * 1000).toBeCloseTo(0.244, 6)
        for (const v of s.z) expect(Math.abs(v / lsb - Math.round(v / lsb))).toBeLessThan(1e-6)
        // tilted 30 degrees about x: the pen's y sees half of gravity
        const tilted = run(rest, { ...STILL, skinTiltDeg: 30 }, { fromMs: 1000 })
        expect(mean(tilted.y)).toBeCloseTo(-0.5, 3)
        expect(mean(tilted.z)).toBeCloseTo(-Math.sqrt(3) / 2, 3)
    })

    test("the simulated chip runs at the rate the firmware's dwell rule is built for (motion.odrHz: what the board's firmware writes to the chip)", () => {
        expect(DEFAULT_IMU.odrHz).toBe(FACTORY_PROFILE.motion.odrHz)
    })

    test("the range clips: a hard knock at ±2 g reads full scale, not more", () => {
        const imu = createImu(1, { ...STILL, rangeG: 2, skinTiltDeg: 0 })
        const input = createImuInput()
        input.azMmS2 = -5 * 9806.65 // 5 g towards the skin: the chip feels -4 g, clipped at -2 g
        for (let t = 0; t < 500; t++) stepImu(imu, 1, input)
        expect(imu.zG).toBeCloseTo(32768 * imuLsbG(2), 9) // reads +1.9988 g (Jacdac sign)
        input.azMmS2 = 5 * 9806.65 // away from the skin: +6 g felt, clipped at +2 g
        for (let t = 0; t < 500; t++) stepImu(imu, 1, input)
        expect(imu.zG).toBeCloseTo(-32767 * imuLsbG(2), 9)
    })

    test("a constant-velocity glide has no acceleration: the mean reads gravity alone, tremor and vibration around it", () => {
        const glide = new TechniqueBuilder(0, 0).glideTo(200, 0, 20, { rampMs: 0 }).build() // 10 s at 20 mm/s
        const s = run(glide, { skinTiltDeg: 30 }, { strokeHz: 120, fromMs: 1000 })
        expect(Math.abs(mean(s.x))).toBeLessThan(0.001)
        expect(Math.abs(mean(s.y) + 0.5)).toBeLessThan(0.001)
        expect(Math.abs(mean(s.z) + Math.sqrt(3) / 2)).toBeLessThan(0.001)
        // far from a quiet signal: tremor on every axis, the motor on z
        expect(rms(s.x) * 1000).toBeGreaterThan(3)
        expect(rms(s.z) * 1000).toBeGreaterThan(3)
        // and it reads exactly as the pen held still on one spot (same hand, same motor): from the
        // accelerometer alone a steady glide and a dwell are the same
        const dwell = run(new TechniqueBuilder(0, 0).hold(10000).build(), { skinTiltDeg: 30 }, { strokeHz: 120, fromMs: 1000 })
        expect(dwell).toEqual(s)
    })

    test("a glide over curved skin turns the pen: 20 mm along x on a 50 mm radius moves gravity's share on x by upZ x sin(0.4 rad); y travel turns y; a flat patch turns nothing", () => {
        const b = new TechniqueBuilder(20, 20).hold(1000)
        b.glideTo(40, 20, 10).hold(1000).glideTo(40, 40, 10).hold(1000)
        const tech = b.build()
        const p: Partial<ImuParams> = { ...STILL, skinTiltDeg: 30, noiseUgPerRtHz: 0 }
        const at = (smp: Samples, fromMs: number, toMs: number) => {
            const i = smp.t.map((t, k) => (t >= fromMs && t < toMs ? k : -1)).filter((k) => k >= 0)
            return [mean(i.map((k) => smp.x[k])), mean(i.map((k) => smp.y[k]))]
        }
        const d = tech.segments
        const ends = [d[0].endMs, d[2].endMs, d[4].endMs]
        tech.surface = { widthMm: 40, heightMm: 40, radiusXMm: 50, radiusYMm: 80 }
        const curved = run(tech, p)
        const a = at(curved, ends[0] - 500, ends[0])
        const b2 = at(curved, ends[1] - 500, ends[1])
        const c = at(curved, ends[2] - 500, ends[2])
        // Jacdac convention: the reading is -(up); x travel of 20 mm turns the pen 0.4 rad about y
        expect(b2[0] - a[0]).toBeCloseTo(Math.cos((30 * Math.PI) / 180) * (Math.sin(0.4)), 2)
        // y travel of 20 mm on 80 mm: 0.25 rad about x, gravity's share on y moves
        expect(Math.abs(c[1] - b2[1])).toBeGreaterThan(0.15)
        const flat = run({ ...tech, surface: undefined, cursor: 0 }, p)
        expect(Math.abs(at(flat, ends[1] - 500, ends[1])[0] - at(flat, ends[0] - 500, ends[0])[0])).toBeLessThan(0.001)
    })

    test("the hand's slow tilt wander moves a held pen's gravity by a few milli-g at most (0.03-0.1 deg RMS per axis)", () => {
        const held = run(new TechniqueBuilder(0, 0).hold(20000).build(), { tremorRmsUm: [0, 0], noiseUgPerRtHz: 0, tiltWanderDeg: [0.1, 0.1] }, { fromMs: 1000 })
        const swing = Math.max(...held.x) - Math.min(...held.x)
        // two sines of 0.1 deg each at most: 0.4 deg peak to peak = 6 mg of gravity x cos(30 deg)
        expect(swing).toBeGreaterThan(0.0005)
        expect(swing).toBeLessThan(0.007)
    })

    test("speeding up and lifting show: the path's own acceleration reaches the reading", () => {
        // 20 mm/s reached over a 300 ms raised cosine: 20*pi/0.6 = 105 mm/s² = 10.7 mg at the peak
        const b = new TechniqueBuilder(0, 0).glideTo(100, 0, 20, { rampMs: 300 })
        b.liftTo(100, 0, 400, 10)
        const s = run(b.build(), { ...STILL, skinTiltDeg: 0, noiseUgPerRtHz: 0 })
        const peakG = (20 * Math.PI) / 0.6 / 9806.65
        // the Jacdac reading is minus the specific force: speeding up along +x reads negative x
        expect(Math.min(...s.x)).toBeLessThan(-0.9 * peakG)
        expect(Math.min(...s.x)).toBeGreaterThan(-1.1 * peakG)
        // the lift (10 mm in 0.4 s) swings z by tens of milli-g around -1 g
        const zLift = s.z.filter((_, i) => s.t[i] > 5300)
        expect(Math.max(...zLift) - Math.min(...zLift)).toBeGreaterThan(0.05)
    })

    test("the motor's vibration at the stroke rate folds into the sampled band (120 Hz reads as 16 Hz at 52 and 104 Hz)", () => {
        const still = new TechniqueBuilder(0, 0).hold(11000).build()
        for (const odrHz of [52, 104]) {
            const p: Partial<ImuParams> = { ...STILL, odrHz, vibrationG: [0.2, 0.2], vibrationHarmonicShare: 0 }
            const s = run(still, p, { strokeHz: 120, fromMs: 1000 })
            expect(peakHz(s.t, s.z, 0.5, odrHz / 2)).toBeCloseTo(16, 5)
            // attenuated by LPF1 (2nd order at ODR/2) before it folds: 0.2 g x 1/sqrt(1 + (120/fc)^4)
            const fc = odrHz / 2
            const expected = 0.2 / Math.sqrt(1 + Math.pow(120 / fc, 4))
            const a = amplitudeAt(s.t, s.z, 16)
            expect(a / expected).toBeGreaterThan(0.85)
            expect(a / expected).toBeLessThan(1.15)
            // the rotor's imbalance folds on x and y too; with the motor off nothing is there
            expect(amplitudeAt(s.t, s.x, 16)).toBeGreaterThan(0.2 * expected)
            const off = run(still, p, { strokeHz: 0, fromMs: 1000 })
            expect(amplitudeAt(off.t, off.z, 16)).toBeLessThan(0.02 * a)
        }
        // SkinPen's ~117 strokes/s: 117 - 2 x 52 = 13 Hz
        const skinPen = run(still, { ...STILL, vibrationG: [0.2, 0.2] }, { strokeHz: 117, fromMs: 1000 })
        expect(peakHz(skinPen.t, skinPen.z, 0.5, 26)).toBeCloseTo(13, 5)
    })

    test("tremor sits at 8-12 Hz with milli-g to tens of milli-g, from tens of micrometres", () => {
        const still = new TechniqueBuilder(0, 0).hold(11000).build()
        for (const seed of [1, 2, 3]) {
            // at 52 Hz: the band up to 26 Hz shows the whole tremor (at 26 Hz, 12 Hz is at the edge)
            const s = run(still, { noiseUgPerRtHz: 0, odrHz: 52 }, { seed, fromMs: 1000 })
            const r = rms(s.x) * 1000
            expect(r).toBeGreaterThan(3)
            expect(r).toBeLessThan(25)
            const hz = peakHz(s.t, s.x, 0.5, 26)
            expect(hz).toBeGreaterThanOrEqual(8)
            expect(hz).toBeLessThanOrEqual(12)
        }
    })

    test("the same seed gives the same samples; another seed other samples", () => {
        const glide = new TechniqueBuilder(0, 0).glideTo(40, 20, 15).build()
        const a = run(glide, {}, { seed: 4, strokeHz: 110 })
        const b = run(glide, {}, { seed: 4, strokeHz: 110 })
        const c = run(glide, {}, { seed: 5, strokeHz: 110 })
        expect(b).toEqual(a)
        expect(c.x).not.toEqual(a.x)
    })
})
