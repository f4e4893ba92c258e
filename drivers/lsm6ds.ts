// The handpiece accelerometer's output rate, set over I2C beside jacdac-c's Accelerometer server.
// jacdac-c runs an LSM6DS-class chip at 52 Hz; its server reads the chip every 15.39 ms and
// streams at most every 20 ms, so about one chip sample in six never reaches the firmware, and the
// motor's vibration aliases through those gaps into the dwell rule's band. At 26 Hz every sample
// arrives (docs/IMU-DIRECT.md "The chip at 26 Hz"). The rate read back goes to the core
// (PenInputs.accelOdrHz: -1 when the chip cannot be read), which latches motion_rate when it is not
// motion.odrHz.
//
// Pure: the bus is injected (drivers/accelrate.ts gives DeviceScript's; the tests a register fake,
// sim/lsm6ds.ts). Registers (ST's lsm6ds3tr-c_reg.h and lsm6dso_reg.h; jacdac-c drivers/lsm6ds.c):
// WHO_AM_I 0x0F (0x6A LSM6DS3TR-C/LSM6DSL, 0x6C LSM6DSO, the two jacdac-c accepts), CTRL1_XL
// 0x10: ODR_XL in bits 7:4 (0: power-down, 1: 12.5 Hz, 2: 26, 3: 52, 4: 104 ... each step
// doubles), FS_XL and the filter bits below, kept as the server set them (its 8 g range is
// motion.saturatedAtG's).
import { PenInputs } from "../core/types"

/** Register access on the board's I2C bus (drivers/i2c.ts on the pen); a method throws when the chip does not answer. */
export interface I2CBus {
    readReg(devAddr: number, reg: number): Promise<number>
    writeReg(devAddr: number, reg: number, byte: number): Promise<void>
}

export const REG_WHO_AM_I = 0x0f
export const REG_CTRL1_XL = 0x10
/** how often the rate is read back once set: jacdac-c writes 52 Hz again if it re-inits the chip */
export const RATE_CHECK_MS = 1000
/** how often while the rate is being set, or after a failed transfer */
export const RATE_WAIT_MS = 100

/** the output rate (Hz) of ODR_XL code `n` (bits 7:4 of CTRL1_XL); 0 is power-down */
export function odrHzOfCode(n: number): number {
    return n < 2 ? n * 12.5 : 13 << (n - 1)
}

/** the chip's address (0x6A, else 0x6B: its SA0 pin) if an accepted WHO_AM_I answers there, else -1 */
async function findChip(bus: I2CBus): Promise<number> {
    for (let a = 0x6a; a <= 0x6b; a++) {
        try {
            const id = await bus.readReg(a, REG_WHO_AM_I)
            if (id === 0x6a || id === 0x6c) return a
        } catch (e) {}
    }
    return -1
}

/**
 * Keeps the chip at `odrHz` (one of the chip's rates: core/validate.ts checkProfile) and tells the
 * core the rate it reads back. step() runs in its own fiber and returns the ms until the next. The
 * rate is written once the role has bound and reported (jacdac-c sets its 52 Hz lazily, at the
 * stream's first request: an earlier write would be undone), and again after each rebind; from
 * the read after that write on, every rate read is passed on before a wrong one is written over,
 * so the core latches motion_rate for a chip the dwell rule read at the wrong rate.
 */
export class AccelRate {
    private readonly bus: I2CBus
    private readonly code: number
    /** the chip's address; -1 not found yet */
    private addr = -1
    /** the rate has been written since the role (re)bound: what is read from then on is the chip's */
    private written: boolean
    /** when the role was seen bound (a reading after it means the server has set the chip up); -1 unbound */
    private boundMs = -1
    /** the last step found no chip or a failing bus */
    private failed: boolean

    constructor(bus: I2CBus, odrHz: number) {
        this.bus = bus
        let n = 1
        while (n < 10 && odrHzOfCode(n) !== odrHz) n++
        this.code = n
    }

    async step(inp: PenInputs, nowMs: number): Promise<number> {
        if (!inp.motionBound) {
            this.boundMs = -1
            return RATE_WAIT_MS
        }
        if (this.boundMs < 0) {
            this.boundMs = nowMs
            this.written = false
        }
        if (!(inp.accelSampleMs > this.boundMs)) return RATE_WAIT_MS
        const bus = this.bus
        try {
            if (this.addr < 0) this.addr = await findChip(bus)
            const a = this.addr
            if (a >= 0) {
                this.failed = false
                const v = await bus.readReg(a, REG_CTRL1_XL)
                const n = v >> 4
                if (this.written || n === this.code) inp.accelOdrHz = odrHzOfCode(n)
                if (n === this.code) return RATE_CHECK_MS
                // powered down (the server's sleep): told as 0 Hz, not woken with this write
                if (n === 0) {
                    inp.accelOdrHz = 0
                    return RATE_CHECK_MS
                }
                await bus.writeReg(a, REG_CTRL1_XL, (this.code << 4) | (v & 0x0f))
                this.written = true
                return RATE_WAIT_MS
            }
        } catch (e) {
            this.addr = -1
        }
        // no chip, or the bus failed: once may be a glitch (tried again at once, the chip looked
        // for again); twice in a row is told (-1: not readable)
        if (this.failed) inp.accelOdrHz = -1
        this.failed = true
        return RATE_WAIT_MS
    }
}
