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
import { startAccelerometer } from "@devicescript/servers"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
board.startStroke()
board.startArea()
board.startTrigger()
// The handpiece accelerometer (role `motion`, the dwell rule: docs/DOSE.md) on the I2C bus: the
// runtime looks for an LSM6DS-class chip (or KXTJ3, KX023). Its axes as the pen is built: x and y
// across the pen's axis, z along it, pointing away from the skin (trX/trY/trZ remap a chip mounted
// otherwise). Not verified on hardware, nor what the runtime does with no chip fitted.
startAccelerometer({})

import { hardware, penStatus } from "../src/main"
import { startPenDisplay } from "../drivers/display"
import { deadmanFeeder } from "./deadman"

hardware.writer.onDriveWritten = deadmanFeeder(pins.deadman)
await startPenDisplay(penStatus, { devAddr: 0x3c, width: 128, height: 64 })
