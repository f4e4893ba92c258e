// The load cell on the pen: a NAU7802 on the board's I2C bus ("i2c" in boards/*.board.json),
// feeding force to the pen instead of the `pressure` role. Glue only: the chip, its errors and
// the feeding loop are pure (drivers/nau7802.ts, tested against sim/nau7802.ts); this file gives
// them DeviceScript's I2C and clock and runs the loop in its own fiber.
//
// Timing: an I2C transfer is a synchronous native call on the ESP32 (_i2cTransaction) and
// blocks the VM while it runs, so each transfer is short: a poll is one register read (~0.1 ms
// at 400 kHz), a sample three more bytes. One poll every 2 ms against a conversion every 3.1 ms.
// Bring-up (~0.35 s, most of it sleeping) happens at start and after an error, never silently:
// until a calibrated sample arrives the sensor is unbound and the pen will not arm.
import * as ds from "@devicescript/core"
import { i2c } from "@devicescript/i2c"
import { ForceProfile } from "../core/profile"
import { loadCellConfigError } from "./nau7802"
import { ExternalForceSink } from "./forcesink"
import { Clock, I2CRegs, LoadCellLoop, Nau7802 } from "./nau7802"

/** registers of one device on the board's I2C bus (what @devicescript/drivers' I2CDriver does) */
class I2CRegClient implements I2CRegs {
    constructor(private devAddr: number) {}
    async readReg(reg: number): Promise<number> {
        return await i2c.readReg(this.devAddr, reg)
    }
    async writeReg(reg: number, byte: number): Promise<void> {
        await i2c.writeReg(this.devAddr, reg, byte)
    }
    async readRegBuf(reg: number, size: number): Promise<Buffer> {
        return await i2c.readRegBuf(this.devAddr, reg, size)
    }
}

class VmClock implements Clock {
    nowMs(): number {
        return ds.millis()
    }
    async sleepMs(ms: number): Promise<void> {
        await ds.sleep(ms)
    }
}

/**
 * Force from the load cell from now on: the sink stops listening to `pressure`, is unbound until
 * the NAU7802 is up and calibrated, then gets every conversion (newtons by `cal`). Returns at once;
 * the work runs in its own fiber.
 */
export async function startLoadCell(sink: ExternalForceSink, force: ForceProfile): Promise<void> {
    sink.useExternalForce()
    sink.externalForceBound(false)
    // a missing or bad calibration is an invalid profile, not a missing sensor: the core says so
    const why = loadCellConfigError(force)
    if (why !== "") {
        sink.externalForceInvalid(why)
        return
    }
    const cal = force.loadCell
    const chip = new Nau7802(new I2CRegClient(cal.i2cAddress), new VmClock(), cal.i2cAddress)
    const cell = new LoadCellLoop(chip, sink, cal, (line: string) => {
        console.log(line)
    })
    async function loop() {
        while (true) {
            const ms = await cell.step()
            // always a real suspension: the VM panics after ~128K steps without one
            await ds.sleep(ms < 1 ? 1 : ms)
        }
    }
    loop.start()
}
