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
import { I2CDriver } from "@devicescript/drivers"
import { ForceProfile } from "../core/profile"
import { ExternalForceSink } from "./forcesink"
import { Clock, LoadCellLoop, Nau7802, loadCellConfigError } from "./nau7802"

/**
 * The NAU7802's registers on the board's I2C bus: I2CDriver's readReg / writeReg / readRegBuf are
 * the I2CRegs that Nau7802 needs. Its init() is not used: Nau7802.init() brings the chip up with
 * a timeout on every wait and says what failed.
 */
class Nau7802Regs extends I2CDriver {
    protected async initDriver(): Promise<void> {}
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
    const chip = new Nau7802(new Nau7802Regs(cal.i2cAddress), new VmClock(), cal.i2cAddress)
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
