// Firmware entry for the pen on the pen_esp32_devkitc board (boards/pen_esp32_devkitc.board.json).
// Build: npx devs build boards/pen_esp32_devkitc.main.ts   (docs/HARDWARE.md)
//
// On-board services run only when the program starts them: each board.startX() below puts that
// $services entry into the program's configuration and the runtime starts the server at deploy.
// They are statements on purpose: an ignored result allocates no role (microsoft/devicescript compiler/src/compiler.ts,
// startServer), so the firmware's own roles (drivers/hardware.ts) bind to these servers by class,
// roles in name order, servers in start order: area must start before trigger, depthPos
// before pressure.
//
// This board declares an I2C bus ("i2c" in its board.json): the on-pen SSD1306 status display
// runs on it (drivers/display.ts). Without a panel attached it logs an error every 5 s and the
// pen works as before. The load-cell build is boards/pen_esp32_devkitc.loadcell.ts.
//
// The motor stage's dead-man (boards/deadman.ts, docs/HARDWARE.md) is fed on pins.deadman (GPIO14),
// set before anything that awaits.
import { board, pins } from "@dsboard/pen_esp32_devkitc"
import { configureHardware, startAccelerometer } from "@devicescript/servers"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
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

import { hardware, penStatus } from "../src/main"
import { startPenDisplay } from "../drivers/display"
import { FACTORY_PROFILE } from "../src/profile.g"
import { startAccelRate } from "../drivers/accelrate"
import { deadmanFeeder } from "./deadman"

hardware.writer.onDriveWritten = deadmanFeeder(pins.deadman)
// the chip at motion.odrHz (26 Hz), not jacdac-c's 52: every sample reaches the dwell rule
// (drivers/lsm6ds.ts); what it reads back is checked by the core (motion_rate)
startAccelRate(hardware.inputs, FACTORY_PROFILE.motion.odrHz)
await startPenDisplay(penStatus, { devAddr: 0x3c, width: 128, height: 64 })
