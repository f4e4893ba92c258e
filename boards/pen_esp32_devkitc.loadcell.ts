// Firmware entry for the pen on the pen_esp32_devkitc board with a load cell instead of the FSR:
// a NAU7802 24-bit ADC on the board's I2C bus (drivers/loadcell.ts, calibration in devs.json
// force.loadCell). No on-pen display in this build: with it the image's functions pass 64 KB, which
// the DeviceScript VM refuses (docs/DEVICESCRIPT-NOTES.md, "Image size"); the status light and the
// console show what the display would (dose, ending, faults).
// Build: npx devs build boards/pen_esp32_devkitc.loadcell.ts   (docs/HARDWARE.md)
//
// As boards/pen_esp32_devkitc.main.ts, except that the "pressure" server is NOT started: the
// pressure role stays unbound and force comes from the load cell. The pen refuses to arm until
// the NAU7802 has answered and calibrated. The motor stage's dead-man is fed on pins.deadman
// (GPIO14, boards/deadman.ts), set before anything that awaits.
import { board, pins } from "@dsboard/pen_esp32_devkitc"
import { configureHardware, startAccelerometer } from "@devicescript/servers"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startStroke()
board.startArea()
board.startTrigger()
// The handpiece accelerometer (role `motion`, the dwell rule: docs/DOSE.md) on the I2C bus. Its axes
// as the pen is built: x and y across the pen's axis, z along it, pointing away from the skin
// (trX/trY/trZ remap a chip mounted otherwise). startAccelerometer only records the axes: the
// server starts if the runtime's I2C scan finds an LSM6DS-class chip (or KXTJ3, KX023), and the
// scan runs only with scanI2C on (jacdac-c services/accelerometer.c accelerometer_config,
// drivers/i2c_scan.c jd_scan_all). @devicescript/drivers turns it off (its index.ts; no firmware
// file imports it now, docs/DEVICESCRIPT-NOTES.md), and the last configureHardware the compiler
// meets wins: this one (the DCFG's scanI2C is 1, test/boards/boards.test.ts). Without it the `motion` role
// never binds on a board: no dwell protection. The scan also starts the chip's gyroscope (no role
// binds it); none of its probes is at the display's 0x3C or the load cell's 0x2A. Not verified on
// hardware, nor what the runtime does with no chip fitted.
startAccelerometer({})
configureHardware({ scanI2C: true })

import { hardware } from "../src/main"
import { externalForceSink } from "../drivers/hardware"
import { startLoadCell } from "../drivers/loadcell"
import { FACTORY_PROFILE } from "../src/profile.g"
import { startAccelRate } from "../drivers/accelrate"
import { deadmanFeeder } from "./deadman"

hardware.writer.onDriveWritten = deadmanFeeder(pins.deadman)
// the chip at motion.odrHz (26 Hz), not jacdac-c's 52: every sample reaches the dwell rule
// (drivers/lsm6ds.ts); what it reads back is checked by the core (motion_rate)
startAccelRate(hardware.inputs, FACTORY_PROFILE.motion.odrHz)
const forceSink = externalForceSink(hardware)
forceSink.useExternalForce()
await startLoadCell(forceSink, FACTORY_PROFILE.force)
