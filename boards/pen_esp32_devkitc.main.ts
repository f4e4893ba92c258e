// Firmware entry for the pen on the pen_esp32_devkitc board (boards/pen_esp32_devkitc.board.json).
// Build: npx devs build boards/pen_esp32_devkitc.main.ts   (docs/HARDWARE.md)
//
// On-board services run only when the program starts them: each board.startX() below puts that
// $services entry into the program's configuration and the runtime starts the server at deploy.
// They are statements on purpose: an ignored result allocates no role (microsoft/devicescript compiler/src/compiler.ts,
// startServer), so the firmware's own roles (drivers/hardware.ts) bind to these servers by class,
// roles in name order, servers in start order: area must start before trigger, depthPos
// before pressure.
import { board } from "@dsboard/pen_esp32_devkitc"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
board.startStroke()
board.startArea()
board.startTrigger()

import "../src/main"
