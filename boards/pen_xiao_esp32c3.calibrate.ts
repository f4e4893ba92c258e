// Bench calibration program on the pen_xiao_esp32c3 board: boards/calibrate.ts with this board's on-board
// services started (same order as boards/pen_xiao_esp32c3.main.ts). Build: npx devs build boards/pen_xiao_esp32c3.calibrate.ts
import { board } from "@dsboard/pen_xiao_esp32c3"

board.startNeedle()
board.startDepth()
board.startDepthPos()
board.startPressure()
board.startStroke()
board.startArea()
board.startTrigger()

import "./calibrate"
