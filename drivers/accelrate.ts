// The accelerometer's rate on the pen (drivers/lsm6ds.ts): glue only, the board's I2C bus
// (drivers/i2c.ts), DeviceScript's clock and a fiber of its own. A transfer holds the VM for
// ~0.1 ms at 400 kHz (one register): three or four at a bind, one a second after.
import * as ds from "@devicescript/core"
import { PenInputs } from "../core/types"
import { i2cReadReg, i2cWriteReg } from "./i2c"
import { AccelRate, I2CBus } from "./lsm6ds"

/** Keep the handpiece accelerometer at `odrHz` (motion.odrHz) from now on; returns at once. */
export function startAccelRate(inp: PenInputs, odrHz: number) {
    const bus: I2CBus = { readReg: i2cReadReg, writeReg: i2cWriteReg }
    const rate = new AccelRate(bus, odrHz)
    async function loop() {
        while (true) await ds.sleep(await rate.step(inp, ds.millis()))
    }
    loop.start()
}
