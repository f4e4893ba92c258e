// A load cell through a NAU7802 24-bit bridge ADC (Nuvoton) on I2C: bring-up, conversions, and
// errors a person can act on. An alternative to the FSR on the `pressure` role: it feeds the
// same core inputs (forceN, forceRatio, forceSampleMs) through ExternalForceSink.
//
// Pure: nothing from @devicescript/*, so vitest runs it against the register-level fake in
// sim/nau7802.ts and `devs build` compiles it for the pen (drivers/loadcell.ts is the glue).
//
// Sources (register names as there):
// - Nuvoton NAU7802 datasheet rev 1.7: 9.1 power-on sequencing (RR=1; RR=0 and PUD=1; PUR after
//   about 200 us; then settings and calibration; no conversion until CS=1), 8.6 calibration
//   (CALS, CAL_ERR stays set until a reset or a good calibration), 11 register map.
// - SparkFun_Qwiic_Scale_NAU7802_Arduino_Library (src/...Library.cpp): begin() = reset(),
//   powerUp() (PUD, PUA, wait PUR ~100 ms at most, then CS), setLDO(3V3) with AVDDS, setGain(128),
//   setSampleRate, ADC register 0x15 = 0x30 ("turn off CLK_CHP, from 9.1"), PGA_PWR PGA_CAP_EN
//   ("330 pF decoupling cap on channel 2, from 9.14"), wait _ldoRampDelay 250 ms ("LDO takes about
//   200 ms to ramp up"), calibrateAFE() (CALMOD internal, CALS, wait up to 1000 ms, CAL_ERR);
//   getReading(): 3 bytes from ADCO_B2, sign-extended from bit 23.
// - Adafruit_NAU7802 begin(): REVISION_ID (0x1F) low nibble must read 0xF.
//
// Where this differs from those libraries, on purpose: every wait has a timeout measured on the
// injected Clock (Adafruit's calibrate() polls CALS with no timeout at all, SparkFun's powerUp()
// counts loop passes, not time);
// every setting is read back after it is written (a part that ignores writes is refused); the
// rate is 320 SPS, the fastest, because the over-pressure cutoff acts on each fresh sample; CS is
// set before the calibration, as SparkFun does (the datasheet lists CS after it; both orders are
// allowed by its text, SparkFun's is the one proven on many boards).

import { ForceProfile, LoadCellProfile } from "../core/profile"
import { checkLoadCell, loadCellRatio } from "../core/validate"
import { ExternalForceSink } from "./forcesink"

/** "" when force.loadCell is there and usable, else why not (with what to do) */
export function loadCellConfigError(force: ForceProfile): string {
    if (!force.loadCell) return "devs.json has no force.loadCell calibration: add it and rebuild"
    const why = checkLoadCell(force)
    return why === "" ? "" : `${why}; fix devs.json and rebuild`
}

/** Register access bound to one device address; @devicescript/drivers' I2CDriver has these methods. */
export interface I2CRegs {
    readReg(reg: number): Promise<number>
    writeReg(reg: number, byte: number): Promise<void>
    readRegBuf(reg: number, size: number): Promise<Buffer>
}

export interface Clock {
    nowMs(): number
    sleepMs(ms: number): Promise<void>
}

// ---- registers (datasheet 11, SparkFun Scale_Registers) ----------------------------------------
export const REG_PU_CTRL = 0x00
export const REG_CTRL1 = 0x01
export const REG_CTRL2 = 0x02
export const REG_ADCO_B2 = 0x12
/** ADC control; shares its address with OTP 32:24 */
export const REG_ADC = 0x15
export const REG_PGA = 0x1b
export const REG_PGA_PWR = 0x1c
export const REG_REVISION_ID = 0x1f

// PU_CTRL bits
/** register reset */
export const PU_RR = 0x01
/** power up digital */
export const PU_PUD = 0x02
/** power up analog */
export const PU_PUA = 0x04
/** power-up ready (read only) */
export const PU_PUR = 0x08
/** cycle start: conversions run while set */
export const PU_CS = 0x10
/** cycle ready: a conversion waits in ADCO (read only; reading ADCO clears it) */
export const PU_CR = 0x20
/** AVDD from the internal LDO (else the AVDD pin) */
export const PU_AVDDS = 0x80

// CTRL1: GAINS bits 2:0, VLDO bits 5:3
export const CTRL1_GAIN_MASK = 0x07
export const CTRL1_GAIN_128 = 0x07
export const CTRL1_VLDO_MASK = 0x38
export const CTRL1_VLDO_3V3 = 0x04 << 3

// CTRL2: CALMOD bits 1:0, CALS bit 2, CAL_ERR bit 3, CRS bits 6:4, CHS bit 7
export const CTRL2_CALMOD_MASK = 0x03
/** CALMOD 00: internal offset calibration (inputs shorted inside the chip) */
export const CTRL2_CALMOD_INTERNAL = 0x00
export const CTRL2_CALS = 0x04
export const CTRL2_CAL_ERR = 0x08
export const CTRL2_CRS_MASK = 0x70
export const CTRL2_CRS_320 = 0x07 << 4

/** ADC register REG_CHPS bits 5:4 = 11: clock chopper off (SparkFun writes 0x30) */
export const ADC_REG_CHPS_OFF = 0x30
/** PGA_PWR bit 7: PGA output stabiliser capacitor on */
export const PGA_PWR_PGA_CAP_EN = 0x80
/** REVISION_ID low nibble of every NAU7802 */
export const REVISION_ID_NAU7802 = 0x0f

/** the chip's fixed address */
export const NAU7802_ADDRESS = 0x2a

// ---- timing ----------------------------------------------------------------------------------
/** RR held this long (SparkFun: delay(1)) */
export const RESET_MS = 1
/** PUR normally comes ~200 us after PUD (datasheet 9.1); SparkFun gives up after ~100 ms */
export const PUR_TIMEOUT_MS = 100
/** AVDD from the internal LDO ramps for ~200 ms before the calibration (SparkFun _ldoRampDelay) */
export const LDO_RAMP_MS = 250
/** CALS normally clears within a few hundred ms (SparkFun: ~344 ms at 80 SPS, waits up to 1000 ms) */
export const CAL_TIMEOUT_MS = 1000
export const PUR_POLL_MS = 1
export const CAL_POLL_MS = 5
/** the conversion rate set by init (CRS 111) */
export const SAMPLES_PER_S = 320
export const SAMPLE_PERIOD_MS = 1000 / SAMPLES_PER_S
/** no conversion ready for this many sample periods (31 ms) is an error; the core's force_stale is 100 ms */
export const STALE_AFTER_PERIODS = 10
/** the first conversion after init may take this long (filter settling after the calibration) */
export const FIRST_CONVERSION_MS = 100

/** 2^24: the NAU7802 output is 24-bit two's complement, -2^23 .. 2^23 - 1 */
const FULL_SCALE = 16777216

/** what `read` returns while no new conversion is ready (not an error) */
export const NONE = "none"

const HEX = "0123456789abcdef"

/** 0x2a, 0x06: a byte as two hex digits (no padStart in DeviceScript) */
export function hex2(b: number): string {
    return "0x" + HEX.charAt((b >> 4) & 15) + HEX.charAt(b & 15)
}

function errText(e: any): string {
    if (e && e.message) return e.message
    return "" + e
}

function regName(reg: number): string {
    if (reg === REG_PU_CTRL) return "PU_CTRL"
    if (reg === REG_CTRL1) return "CTRL1"
    if (reg === REG_CTRL2) return "CTRL2"
    if (reg === REG_ADCO_B2) return "ADCO_B2..B0"
    if (reg === REG_ADC) return "ADC (0x15)"
    if (reg === REG_PGA_PWR) return "PGA_PWR"
    if (reg === REG_REVISION_ID) return "REVISION_ID"
    return "register " + hex2(reg)
}

/** what to check when the chip does not answer or answers nonsense */
const CHECK_BUS = "check SDA/SCL/GND wiring and pull-ups, the 3.3 V supply to the board, and the address"
const CHECK_SUPPLY = "check the 3.3 V supply (DVDD) and that the part at this address is a NAU7802"
const CHECK_CELL = "check the load cell wires (E+, E-, A+, A-) and the supply, then restart"

// ---- pure conversions ------------------------------------------------------------------------

/** Newtons from counts: linear, (counts - zeroCounts) / countsPerN (devs.json force.loadCell). */
export function countsToForceN(cal: LoadCellProfile, counts: number): number {
    return (counts - cal.zeroCounts) / cal.countsPerN
}

// counts -> the 0..1 ratio of the range checks: loadCellRatio (core/validate.ts), which the
// profile check of force.loadCell uses too

/** 24-bit two's complement from ADCO_B2, B1, B0 */
export function signExtend24(b2: number, b1: number, b0: number): number {
    const v = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff)
    return (v & 0x800000) !== 0 ? v - FULL_SCALE : v
}

// ---- the chip --------------------------------------------------------------------------------

export class Nau7802 {
    /** "NAU7802 at 0x2a": every message starts with it */
    readonly name: string
    private ready = false
    private converted = false
    private lastConversionMs = 0
    /** what the I2C call in flight was doing, for the message if it throws */
    private doing = ""

    constructor(private io: I2CRegs, private clock: Clock, address?: number) {
        this.name = "NAU7802 at " + hex2(address === undefined ? NAU7802_ADDRESS : address)
    }

    /** true after a successful init, until a read error */
    isReady(): boolean {
        return this.ready
    }

    /**
     * Reset, power up, configure (LDO 3.3 V, gain 128, 320 SPS), calibrate and start conversions.
     * "" when the chip is ready, else one sentence: what was seen and what to check. Takes ~0.3 s;
     * at most RESET_MS + PUR_TIMEOUT_MS + LDO_RAMP_MS + CAL_TIMEOUT_MS (plus bus time).
     */
    async init(): Promise<string> {
        this.ready = false
        this.converted = false
        try {
            const why = await this.bringUp()
            if (why !== "") return why
        } catch (e: any) {
            return `${this.name} did not answer on I2C while ${this.doing} (${errText(e)}); ${CHECK_BUS}`
        }
        this.ready = true
        this.lastConversionMs = this.clock.nowMs()
        return ""
    }

    /**
     * A new conversion in counts (a number), NONE while none is ready, or an error sentence (a
     * string other than NONE). After an error, call init again.
     */
    async read(): Promise<number | string> {
        if (!this.ready) return `${this.name} is not initialised (init failed or a read failed); init must succeed first`
        try {
            const pu = await this.rd(REG_PU_CTRL)
            const now = this.clock.nowMs()
            if ((pu & PU_PUR) === 0 || (pu & PU_CS) === 0) {
                this.ready = false
                return `${this.name} lost its set-up: PU_CTRL reads ${hex2(pu)} (PUR or CS clear: it reset or lost power); ${CHECK_SUPPLY}`
            }
            if ((pu & PU_CR) === 0) {
                const idle = now - this.lastConversionMs
                const limit = this.converted ? STALE_AFTER_PERIODS * SAMPLE_PERIOD_MS : FIRST_CONVERSION_MS
                if (idle > limit) {
                    this.ready = false
                    return `${this.name} made no new conversion for ${Math.round(idle)} ms (PU_CTRL ${hex2(pu)}, CR clear; at ${SAMPLES_PER_S} SPS one is due every ${Math.round(SAMPLE_PERIOD_MS)} ms); ${CHECK_SUPPLY}`
                }
                return NONE
            }
            this.doing = "reading " + regName(REG_ADCO_B2)
            const b = await this.io.readRegBuf(REG_ADCO_B2, 3)
            if (!b || b.length < 3) {
                this.ready = false
                return `${this.name} returned ${b ? b.length : 0} of 3 bytes of ADCO; ${CHECK_BUS}`
            }
            this.lastConversionMs = now
            this.converted = true
            return signExtend24(b[0], b[1], b[2])
        } catch (e: any) {
            this.ready = false
            return `${this.name} did not answer on I2C while ${this.doing} (${errText(e)}); ${CHECK_BUS}`
        }
    }

    private async rd(reg: number): Promise<number> {
        this.doing = "reading " + regName(reg)
        return await this.io.readReg(reg)
    }

    private async wr(reg: number, byte: number): Promise<void> {
        this.doing = "writing " + regName(reg)
        await this.io.writeReg(reg, byte)
    }

    /** read-modify-write of the bits in `mask`, then read back: "" or what the chip shows instead */
    private async setBits(reg: number, mask: number, bits: number): Promise<string> {
        const before = await this.rd(reg)
        const want = (before & (0xff ^ mask)) | (bits & mask)
        await this.wr(reg, want)
        const got = await this.rd(reg)
        if ((got & mask) !== (bits & mask))
            return `${this.name} ignored a setting: ${regName(reg)} reads ${hex2(got)} after writing ${hex2(want)}; ${CHECK_SUPPLY}`
        return ""
    }

    private async bringUp(): Promise<string> {
        const clock = this.clock
        // datasheet 9.1 steps 1-2: reset every register, then leave reset with both power-ups on
        await this.wr(REG_PU_CTRL, PU_RR)
        await clock.sleepMs(RESET_MS)
        await this.wr(REG_PU_CTRL, PU_PUD | PU_PUA)
        // step 3: PUR
        const t0 = clock.nowMs()
        let pu = await this.rd(REG_PU_CTRL)
        while ((pu & PU_PUR) === 0) {
            const waited = clock.nowMs() - t0
            if (waited > PUR_TIMEOUT_MS)
                return `${this.name} did not power up: PU_CTRL reads ${hex2(pu)} (PUR clear) ${Math.round(waited)} ms after PUD+PUA; ${CHECK_SUPPLY}`
            await clock.sleepMs(PUR_POLL_MS)
            pu = await this.rd(REG_PU_CTRL)
        }
        // the right chip? (Adafruit_NAU7802 begin)
        const rev = await this.rd(REG_REVISION_ID)
        if ((rev & 0x0f) !== REVISION_ID_NAU7802)
            return `${this.name}: REVISION_ID (0x1f) reads ${hex2(rev)}, a NAU7802 reads 0x?f: another device answers at this address; check the part and the address`
        // step 4: settings, each read back
        let why = await this.setBits(REG_CTRL1, CTRL1_VLDO_MASK | CTRL1_GAIN_MASK, CTRL1_VLDO_3V3 | CTRL1_GAIN_128)
        if (why === "") why = await this.setBits(REG_PU_CTRL, PU_AVDDS, PU_AVDDS)
        if (why === "") why = await this.setBits(REG_CTRL2, CTRL2_CRS_MASK, CTRL2_CRS_320)
        if (why === "") why = await this.setBits(REG_ADC, ADC_REG_CHPS_OFF, ADC_REG_CHPS_OFF)
        if (why === "") why = await this.setBits(REG_PGA_PWR, PGA_PWR_PGA_CAP_EN, PGA_PWR_PGA_CAP_EN)
        // step 5 (SparkFun's order: before the calibration): conversions run
        if (why === "") why = await this.setBits(REG_PU_CTRL, PU_CS, PU_CS)
        if (why !== "") return why
        // AVDD (the bridge excitation and the ADC reference) settles before the offset calibration
        await clock.sleepMs(LDO_RAMP_MS)
        // 8.6: internal offset calibration
        const c2 = await this.rd(REG_CTRL2)
        await this.wr(REG_CTRL2, (c2 & (0xff ^ CTRL2_CALMOD_MASK)) | CTRL2_CALMOD_INTERNAL | CTRL2_CALS)
        const t1 = clock.nowMs()
        let cal = await this.rd(REG_CTRL2)
        while ((cal & CTRL2_CALS) !== 0) {
            const waited = clock.nowMs() - t1
            if (waited > CAL_TIMEOUT_MS)
                return `${this.name} did not finish its internal calibration: CTRL2 reads ${hex2(cal)} (CALS still set) after ${Math.round(waited)} ms; ${CHECK_SUPPLY}`
            await clock.sleepMs(CAL_POLL_MS)
            cal = await this.rd(REG_CTRL2)
        }
        if ((cal & CTRL2_CAL_ERR) !== 0)
            return `${this.name} failed its internal calibration: CTRL2 reads ${hex2(cal)} (CAL_ERR set) after ${Math.round(clock.nowMs() - t1)} ms; ${CHECK_CELL}`
        // a conversion made before the calibration may still wait in ADCO with CR set: drop it,
        // the first sample the pen sees is a calibrated one
        pu = await this.rd(REG_PU_CTRL)
        if ((pu & PU_CR) !== 0) {
            this.doing = "reading " + regName(REG_ADCO_B2)
            await this.io.readRegBuf(REG_ADCO_B2, 3)
        }
        return ""
    }
}

// ---- the loop that feeds the pen -------------------------------------------------------------

/** after a failed init, try again after this long */
export const INIT_RETRY_MS = 2000
/** between polls of CR (a conversion is due every 3.1 ms) */
export const READ_POLL_MS = 2

/**
 * One step at a time, so tests drive it on virtual time and the glue (drivers/loadcell.ts) runs
 * it in a fiber: `while (true) await ds.sleep(await loop.step())`.
 * - not ready: init; on failure log `EVENT error loadcell: ...` and try again in INIT_RETRY_MS.
 * - ready: each new conversion goes to sink.externalForce (newtons, ratio); the first one after
 *   an init also marks the sensor bound. A read error marks it unbound first (the core then
 *   refuses to arm, or latches role_lost while armed), logs once and re-initialises.
 */
export class LoadCellLoop {
    private ready = false
    private bound = false

    constructor(private chip: Nau7802, private sink: ExternalForceSink, private cal: LoadCellProfile, private log: (line: string) => void) {}

    /** one step; returns how long to sleep before the next (ms) */
    async step(): Promise<number> {
        if (!this.ready) {
            const why = await this.chip.init()
            if (why !== "") {
                this.log(`EVENT error loadcell: ${why}; retrying in ${INIT_RETRY_MS / 1000} s`)
                return INIT_RETRY_MS
            }
            this.ready = true
            this.log(`EVENT info loadcell: ${this.chip.name} ready (gain 128, ${SAMPLES_PER_S} SPS, offset calibrated)`)
            return READ_POLL_MS
        }
        const r = await this.chip.read()
        if (typeof r === "number") {
            this.sink.externalForce(countsToForceN(this.cal, r), loadCellRatio(r))
            if (!this.bound) {
                this.bound = true
                this.sink.externalForceBound(true)
            }
            return READ_POLL_MS
        }
        if (r === NONE) return READ_POLL_MS
        this.ready = false
        this.bound = false
        this.sink.externalForceBound(false)
        this.log(`EVENT error loadcell: ${r}; force sensor unusable, re-initialising`)
        return 0
    }
}
