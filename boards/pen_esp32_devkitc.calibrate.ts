// Bench calibration program on the pen_esp32_devkitc board: boards/calibrate.ts with this board's on-board
// services started (same order as boards/pen_esp32_devkitc.main.ts) and the motor dead-man fed on pins.deadman (boards/deadman.ts). Build: npx devs build boards/pen_esp32_devkitc.calibrate.ts
import { board, pins } from "@dsboard/pen_esp32_devkitc"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
board.startStroke()
board.startArea()
board.startTrigger()

import { setDriveFeed } from "./calibrate"
import { deadmanFeeder } from "./deadman"

setDriveFeed(deadmanFeeder(pins.deadman))
