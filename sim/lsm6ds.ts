// A register-level LSM6DS-class accelerometer on an I2C bus, for tests of drivers/lsm6ds.ts: only
// what the rate driver touches. WHO_AM_I (0x0F) answers the family's id; CTRL1_XL (0x10) holds
// what was written, starting at what jacdac-c's server writes (0x3C: 52 Hz, 8 g). A transfer to an
// address with no chip throws, as a NACK does on the pen (@devicescript/i2c's I2CError).
//
// Faults: `absent` (no chip: every transfer throws), a wrong chip (`whoAmI`), `dropsWrites` (a
// write is acknowledged and lost), `busError` (every transfer throws from now on), reinit() (the
// server sets the chip up again: 52 Hz, as jacdac-c does after a sleep or a range write).
import { I2CBus } from "../drivers/lsm6ds"

export const JACDAC_CTRL1_XL = 0x3c

export interface Lsm6dsParams {
    addr: number
    /** CTRL1_XL at power-up (what the server wrote) */
    ctrl1Xl: number
    whoAmI: number
    absent: boolean
    dropsWrites: boolean
}

export class FakeLsm6ds implements I2CBus {
    readonly p: Lsm6dsParams
    ctrl1Xl = JACDAC_CTRL1_XL
    busError = false
    /** every write, as [address, register, byte] */
    readonly writes: number[][] = []
    /** every transfer's address, answered or not */
    readonly addressed: number[] = []

    constructor(p: Partial<Lsm6dsParams> = {}) {
        this.p = { addr: 0x6a, ctrl1Xl: JACDAC_CTRL1_XL, whoAmI: 0x6a, absent: false, dropsWrites: false, ...p }
        this.ctrl1Xl = this.p.ctrl1Xl
    }

    /** the server sets the chip up again (jacdac-c lsm6ds.c init_chip) */
    reinit(): void {
        this.ctrl1Xl = JACDAC_CTRL1_XL
    }

    private answer(devAddr: number): void {
        this.addressed.push(devAddr)
        if (this.busError || this.p.absent || devAddr !== this.p.addr) throw new Error(`I2C NACK at 0x${devAddr.toString(16)}`)
    }

    async readReg(devAddr: number, reg: number): Promise<number> {
        this.answer(devAddr)
        if (reg === 0x0f) return this.p.whoAmI
        if (reg === 0x10) return this.ctrl1Xl
        return 0
    }

    async writeReg(devAddr: number, reg: number, byte: number): Promise<void> {
        this.answer(devAddr)
        this.writes.push([devAddr, reg, byte])
        if (reg === 0x10 && !this.p.dropsWrites) this.ctrl1Xl = byte & 0xff
    }
}
