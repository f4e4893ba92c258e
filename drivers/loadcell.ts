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
import { ForceProfile } from "../core/profile"
import { ExternalForceSink } from "./forcesink"
import { i2cReadReg, i2cWriteReg, i2cXfer } from "./i2c"
import { Clock, I2CRegs, LoadCellLoop, Nau7802, loadCellConfigError } from "./nau7802"

/**
 * The NAU7802's registers on the board's I2C bus, the transactions @devicescript/drivers' I2CDriver
 * would make (drivers/i2c.ts; that driver and the I2C class behind it cost ~0.5 KB of functions).
 */
function nau7802Regs(addr: number): I2CRegs {
    return {
        readReg: async (reg: number) => await i2cReadReg(addr, reg),
        writeReg: async (reg: number, byte: number) => await i2cWriteReg(addr, reg, byte),
        readRegBuf: async (reg: number, size: number) => await i2cXfer(addr, Buffer.from([reg]), size),
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
    const chip = new Nau7802(nau7802Regs(cal.i2cAddress), new VmClock(), cal.i2cAddress)
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
