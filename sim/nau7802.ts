// A register-level NAU7802 with a load cell on it, for tests of drivers/nau7802.ts: a plant
// model, not a script of answers. The driver sees only I2C register reads and writes; what they
// return follows from the registers it set, the time on a virtual clock, and the force the test
// puts on the cell.
//
// Registers and bits as on the chip (datasheet rev 1.7, section 11; names as in SparkFun's
// library): all registers 0 after RR except REVISION_ID (0x?F); while RR is set the others ignore
// writes. PUR rises purDelayMs after PUD (never, with the neverPowersUp fault). CALS starts the
// internal offset calibration, which takes calPeriods conversion periods, then clears (CAL_ERR
// with the calError fault; never clears with calHangs). While PUR, PUA and CS are set and no
// calibration runs, a conversion completes every 1/SPS (CRS in CTRL2: 10..320 SPS); it lands in
// ADCO_B2..B0 and sets CR; reading ADCO_B0 clears CR. Burst reads auto-increment.
//
// Counts (ratiometric: the bridge is excited by AVDD, which is also the ADC reference, so the
// supply voltage cancels):
//   counts = gain * 2^24 * (zeroBalance + sensitivity * F / capacity) [V/V]
//          + adcOffset * ldoLevel - calibratedOffset + noise,  clipped to +-(2^23 - 1)
// - gain from CTRL1 GAINS (1..128); no AVDD (AVDDS clear: this board has nothing on the AVDD pin)
//   means no excitation and no signal.
// - adcOffset: the converter's own offset, which grows with its supply while the LDO ramps
//   (ldoLevel 0..1 over ldoRampMs after AVDDS and PUA). The internal calibration measures it when
//   CALS is set and subtracts it from then on. Calibrating before AVDD settled leaves a residue:
//   that is why the driver waits for the ramp, and a test sees it if the wait is removed.
// - noise: near-Gaussian, noiseCounts sigma, from a seeded PRNG (mulberry32, as sim/plant/rng.ts).
// Nominal cell: 1 kg (9.80665 N), 1 mV/V -> 1e-3 * 128 * 2^24 / 9.80665 = 218982 counts/N.
// Not modelled: the chopper (ADC 0x15) and PGA_CAP_EN settings change nothing here (they act on
// noise and offset drift on the real chip); the LDO voltage (ratiometric); channel 2; OTP.
//
// Faults: absent (every transfer throws, like a NACK), neverPowersUp, calError, calHangs,
// conversionsStop, bridgeOpen "high"/"low" (an open signal wire pulls the input to a rail),
// dropWritesTo (writes to one register are lost), a wrong chip (params.revisionId), powerLoss()
// (a brown-out: every register back to reset).

import { Clock } from "../drivers/nau7802"

/** Time for tests: sleepMs advances it at once (no real sleeping); the fake charges bus time to it. */
export class VirtualClock implements Clock {
    t = 0
    nowMs(): number {
        return this.t
    }
    async sleepMs(ms: number): Promise<void> {
        this.t += ms
    }
    advance(ms: number): void {
        this.t += ms
    }
}

export interface FakeNau7802Params {
    address: number
    /** REVISION_ID register; a NAU7802 reads 0x0F in its low nibble */
    revisionId: number
    /** PUR after PUD (datasheet: about 200 us) */
    purDelayMs: number
    /** AVDD from the internal LDO reaches its level this long after AVDDS and PUA */
    ldoRampMs: number
    /** the internal calibration lasts this many conversion periods (SparkFun: ~344 ms at 80 SPS) */
    calPeriods: number
    /** the converter's own offset before calibration (counts) */
    adcOffsetCounts: number
    /** cell capacity (N) and rated output (mV/V) at capacity */
    capacityN: number
    sensitivityMvPerV: number
    /** the cell's output at 0 N (mV/V) */
    zeroBalanceMvPerV: number
    /** conversion noise, 1 sigma (counts) */
    noiseCounts: number
    /** time one I2C transfer takes (400 kHz, a few bytes) */
    busMs: number
    seed: number
    /**
     * a watchdog for tests: every transfer after this many throws, so a driver that polls
     * forever ends (with an I2C error) instead of hanging the test
     */
    transferLimit: number
}

export const DEFAULT_NAU7802: FakeNau7802Params = {
    address: 0x2a,
    revisionId: 0x0f,
    purDelayMs: 0.2,
    ldoRampMs: 200,
    calPeriods: 27.5,
    adcOffsetCounts: 40000,
    capacityN: 9.80665,
    sensitivityMvPerV: 1.0,
    zeroBalanceMvPerV: 0,
    noiseCounts: 150,
    busMs: 0.1,
    seed: 1,
    transferLimit: 100000,
}

export interface FakeNau7802Faults {
    absent: boolean
    neverPowersUp: boolean
    calError: boolean
    calHangs: boolean
    conversionsStop: boolean
    /** an open signal wire: the input goes to the positive or negative rail */
    bridgeOpen: "" | "high" | "low"
    /** writes to this register are acknowledged but lost (-1: none): a bus glitch, or a look-alike part */
    dropWritesTo: number
}

const PU_CTRL = 0x00
const CTRL1 = 0x01
const CTRL2 = 0x02
const ADCO_B2 = 0x12
const ADCO_B0 = 0x14
const REVISION_ID = 0x1f
const RR = 0x01
const PUD = 0x02
const PUA = 0x04
const PUR = 0x08
const CS = 0x10
const CR = 0x20
const AVDDS = 0x80
const CALS = 0x04
const CAL_ERR = 0x08
const MAX_CODE = 8388607

/**
 * Uniform [0, 1) from a 32-bit state: mulberry32, as sim/plant/rng.ts. Not imported from there:
 * `devs build` type-checks whole files and rng.ts's rngNormal uses Math.sin/cos, which
 * DeviceScript's Math lacks; this file also compiles for the VM.
 */
function uniform(st: number[]): number {
    st[0] = (st[0] + 0x6d2b79f5) | 0
    let t = st[0]
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
/** CRS code -> samples per second (datasheet: 000 10, 001 20, 010 40, 011 80, 111 320) */
const SPS = [10, 20, 40, 80, 80, 80, 80, 320]

export class FakeNau7802 {
    readonly p: FakeNau7802Params
    readonly faults: FakeNau7802Faults = {
        absent: false, neverPowersUp: false, calError: false, calHangs: false, conversionsStop: false, bridgeOpen: "",
        dropWritesTo: -1,
    }
    /** force on the cell now (N); a pull is negative */
    forceN = 0
    /** every register write that reached the chip, in order: [reg, byte] */
    readonly writes: number[][] = []
    /** I2C transfers so far (including ones that failed) */
    transfers = 0

    private regs: number[] = []
    private pudSinceMs = -1
    private ldoSinceMs = -1
    private calEndMs = -1
    private calMeasured = 0
    private calibratedOffset = 0
    private nextConvMs = -1
    /** PRNG state (one number, in an array so `uniform` can advance it) */
    private rng: number[]

    constructor(private clock: VirtualClock, params?: Partial<FakeNau7802Params>) {
        this.p = { ...DEFAULT_NAU7802, ...(params || {}) }
        this.rng = [(this.p.seed * 0x9e3779b1) | 0]
        this.resetRegisters()
    }

    // ---- I2CRegs ---------------------------------------------------------------------------

    async readReg(reg: number): Promise<number> {
        this.transfer(`write [${reg}], read 1 B`)
        return this.readAt(reg)
    }

    async readRegBuf(reg: number, size: number): Promise<Buffer> {
        this.transfer(`write [${reg}], read ${size} B`)
        const out = Buffer.alloc(size)
        for (let i = 0; i < size; i++) out[i] = this.readAt(reg + i)
        return out
    }

    async writeReg(reg: number, byte: number): Promise<void> {
        this.transfer(`write [${reg}, ${byte}]`)
        this.writes.push([reg, byte & 0xff])
        if (reg !== this.faults.dropWritesTo) this.writeAt(reg, byte & 0xff)
        this.update()
    }

    // ---- what a test looks at (not visible to the driver) ----------------------------------

    /** a brown-out: every register back to its reset value */
    powerLoss() {
        this.resetRegisters()
    }

    /** PGA gain in use (CTRL1 GAINS) */
    gain(): number {
        return 1 << (this.regs[CTRL1] & 7)
    }

    /** conversion rate in use (CTRL2 CRS) */
    sps(): number {
        return SPS[(this.regs[CTRL2] >> 4) & 7]
    }

    /** the register as the chip holds it now (no bus transfer, no side effects) */
    peek(reg: number): number {
        this.update()
        return this.regs[reg]
    }

    /** counts per newton of this cell at the gain in use */
    countsPerN(): number {
        return (this.gain() * 16777216 * this.p.sensitivityMvPerV * 1e-3) / this.p.capacityN
    }

    // ---- the chip ---------------------------------------------------------------------------

    private transfer(what: string) {
        this.transfers++
        this.clock.advance(this.p.busMs)
        // the text DeviceScript's I2CError carries (@devicescript/i2c: `I2C error ${rc} dev=${devAddr}: ...`)
        if (this.faults.absent) throw new Error(`I2C error 1 dev=${this.p.address}: ${what}`)
        if (this.transfers > this.p.transferLimit) throw new Error(`fake NAU7802: more than ${this.p.transferLimit} transfers (a poll without an end?)`)
        this.update()
    }

    private resetRegisters() {
        this.regs = []
        for (let i = 0; i < 32; i++) this.regs.push(0)
        this.regs[REVISION_ID] = this.p.revisionId
        this.pudSinceMs = -1
        this.ldoSinceMs = -1
        this.calEndMs = -1
        this.calibratedOffset = 0
        this.nextConvMs = -1
    }

    private period(): number {
        return 1000 / this.sps()
    }

    private ldoLevel(now: number): number {
        if (this.ldoSinceMs < 0) return 0
        const f = (now - this.ldoSinceMs) / this.p.ldoRampMs
        return f >= 1 ? 1 : f
    }

    private readAt(reg: number): number {
        const v = reg < 32 ? this.regs[reg] : 0
        if (reg === ADCO_B0) this.regs[PU_CTRL] &= 0xff ^ CR
        return v
    }

    private writeAt(reg: number, v: number) {
        const now = this.clock.nowMs()
        const pu = this.regs[PU_CTRL]
        if (reg === PU_CTRL) {
            if ((v & RR) !== 0) {
                this.resetRegisters()
                this.regs[PU_CTRL] = RR
                return
            }
            // PUR and CR are read only
            const next = (v & (0xff ^ (PUR | CR))) | (pu & (PUR | CR))
            if ((next & PUD) !== 0 && (pu & PUD) === 0) this.pudSinceMs = now
            if ((next & PUD) === 0) {
                this.pudSinceMs = -1
            }
            const ldoOn = (next & AVDDS) !== 0 && (next & PUA) !== 0
            if (ldoOn && this.ldoSinceMs < 0) this.ldoSinceMs = now
            if (!ldoOn) this.ldoSinceMs = -1
            this.regs[PU_CTRL] = next
            return
        }
        if ((pu & RR) !== 0) return // held in reset
        if (reg === REVISION_ID || (reg >= ADCO_B2 && reg <= ADCO_B0)) return // read only
        if (reg === CTRL2) {
            const old = this.regs[CTRL2]
            let next = (v & (0xff ^ (CALS | CAL_ERR))) | (old & (CALS | CAL_ERR))
            if ((v & CALS) !== 0 && (old & CALS) === 0) {
                next = (next | CALS) & (0xff ^ CAL_ERR)
                this.regs[CTRL2] = next
                // runs only on a powered chip; else CALS stays set
                const powered = (pu & PUR) !== 0 && (pu & PUA) !== 0
                this.calEndMs = powered ? now + this.p.calPeriods * this.period() : Infinity
                this.calMeasured = this.p.adcOffsetCounts * this.ldoLevel(now)
                this.nextConvMs = -1
                return
            }
            this.regs[CTRL2] = next
            return
        }
        this.regs[reg] = v
    }

    /** bring the state up to the clock's time */
    private update() {
        const now = this.clock.nowMs()
        const r = this.regs
        // PUR
        const up = this.pudSinceMs >= 0 && !this.faults.neverPowersUp && now - this.pudSinceMs >= this.p.purDelayMs
        r[PU_CTRL] = up ? r[PU_CTRL] | PUR : r[PU_CTRL] & (0xff ^ PUR)
        // calibration
        let calibrating = (r[CTRL2] & CALS) !== 0
        if (calibrating && !this.faults.calHangs && now >= this.calEndMs) {
            r[CTRL2] &= 0xff ^ CALS
            if (this.faults.calError) r[CTRL2] |= CAL_ERR
            else {
                r[CTRL2] &= 0xff ^ CAL_ERR
                this.calibratedOffset = this.calMeasured
            }
            calibrating = false
            this.nextConvMs = this.calEndMs + this.period()
        }
        // conversions
        const pu = r[PU_CTRL]
        const running = up && (pu & PUA) !== 0 && (pu & CS) !== 0 && !calibrating && !this.faults.conversionsStop
        if (!running) {
            if (!this.faults.conversionsStop) this.nextConvMs = -1
            return
        }
        if (this.nextConvMs < 0) this.nextConvMs = now + this.period()
        if (now < this.nextConvMs) return
        const n = Math.floor((now - this.nextConvMs) / this.period()) + 1
        this.nextConvMs += n * this.period()
        const c = this.convert(now)
        const u = c < 0 ? c + 16777216 : c
        r[ADCO_B2] = (u >> 16) & 0xff
        r[ADCO_B2 + 1] = (u >> 8) & 0xff
        r[ADCO_B0] = u & 0xff
        r[PU_CTRL] |= CR
    }

    /** one conversion result (counts) */
    private convert(now: number): number {
        // near-Gaussian (sum of 4 uniforms, sigma 1, bounded at 3.5 sigma): no Math.sin/cos, which
        // DeviceScript lacks, so this fake also runs in the VM
        const u = uniform(this.rng) + uniform(this.rng) + uniform(this.rng) + uniform(this.rng)
        const noise = (u - 2) * Math.sqrt(3) * this.p.noiseCounts
        let raw: number
        if (this.faults.bridgeOpen === "high") raw = 2 * MAX_CODE
        else if (this.faults.bridgeOpen === "low") raw = -2 * MAX_CODE
        else {
            const level = this.ldoLevel(now)
            // no AVDD: no excitation, no signal (and no meaningful reference)
            const vPerV = level > 0 ? (this.p.zeroBalanceMvPerV + (this.p.sensitivityMvPerV * this.forceN) / this.p.capacityN) * 1e-3 : 0
            raw = this.gain() * 16777216 * vPerV + this.p.adcOffsetCounts * level - this.calibratedOffset + noise
        }
        const c = Math.round(raw)
        return c > MAX_CODE ? MAX_CODE : c < -MAX_CODE ? -MAX_CODE : c
    }
}
