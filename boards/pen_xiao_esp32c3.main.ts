// Firmware entry for the pen on the pen_xiao_esp32c3 board (boards/pen_xiao_esp32c3.board.json).
// Build: npx devs build boards/pen_xiao_esp32c3.main.ts   (docs/HARDWARE.md)
//
// On-board services run only when the program starts them: each board.startX() below puts that
// $services entry into the program's configuration and the runtime starts the server at deploy.
// They are statements on purpose: an ignored result allocates no role (microsoft/devicescript compiler/src/compiler.ts,
// startServer), so the firmware's own roles (drivers/hardware.ts) bind to these servers by class,
// roles in name order, servers in start order: area must start before trigger, depthPos
// before pressure.
//
// The motor stage's dead-man (boards/deadman.ts, docs/HARDWARE.md) is fed on pins.deadman
// (D6/GPIO21, the pin the status pixel had: this board has no status pixel).
import { board, pins } from "@dsboard/pen_xiao_esp32c3"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
board.startStroke()
board.startArea()
board.startTrigger()

// No accelerometer is fitted to this build (its board file declares no I2C bus): the `motion` role
// stays unbound, the pen treats without dwell protection and its status says so (docs/DOSE.md).
import { hardware } from "../src/main"
import { deadmanFeeder } from "./deadman"

hardware.writer.onDriveWritten = deadmanFeeder(pins.deadman)
