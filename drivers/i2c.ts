// One transaction on the board's I2C bus, as @devicescript/i2c's I2C.xfer makes it: the runtime's
// `_i2cTransaction` (synchronous on the ESP32: the VM waits), the same error text. That class's
// other methods would be compiled in with it (~0.5 KB of functions, docs/DEVICESCRIPT-NOTES.md
// "I2C, the display"). Used by the display, the load cell and the accelerometer's rate.
import * as ds from "@devicescript/core"

/** write `bytes` to `addr`, then read `readBytes` (0: none); throws on a NACK or a bus error */
export async function i2cXfer(addr: number, bytes: Buffer, readBytes: number): Promise<Buffer> {
    const rd = readBytes > 0 ? Buffer.alloc(readBytes) : undefined
    const rc = await (ds as any)._i2cTransaction(addr, bytes, rd)
    if (rc !== 0) throw new Error(`I2C error ${rc} dev=${addr}: write ${bytes}, read ${rd ? readBytes : undefined} B`)
    return rd
}

/** one register's byte */
export async function i2cReadReg(addr: number, reg: number): Promise<number> {
    return (await i2cXfer(addr, Buffer.from([reg]), 1))[0]
}

/** one register written */
export async function i2cWriteReg(addr: number, reg: number, byte: number): Promise<void> {
    await i2cXfer(addr, Buffer.from([reg, byte]), 0)
}
