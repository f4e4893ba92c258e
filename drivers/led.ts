// Status LED patterns on one RGB pixel: the colour says the state, blinks say the count.
//
//   off       dark                     disarmed (or idle)
//   ready     green; every 2 s one short dark blink per whole pass of dose already used on this
//             area (1.42 passes: one blink)
//   running   blue, steady             (no blinks in a pass: LED packets share the bus budget
//   ending    magenta, steady           with the needle stop, drivers/budget.ts); ending: the
//   paused    cyan, steady              dose is within dose.warnPasses of the limit, finish the row
//   locked    orange, blinking 1 Hz    the area had its limit's dose
//   fault     red, blinking 2.5 Hz     a latched fault: read the console or the display
//   testing   white, steady            the power-on self-test runs (core/selftest.ts)
//   test_failed white, blinking 1 Hz  the self-test failed: arming refused; the console and display say why
//
// Pure: returns 0xRRGGBB for a time, so tests can ask what the LED shows at any moment.
import { Indicator } from "../core/types"

export const GREEN = 0x00ff00
export const BLUE = 0x0000ff
export const CYAN = 0x00ffff
export const MAGENTA = 0xff00ff
export const ORANGE = 0xffa000
export const RED = 0xff0000
export const WHITE = 0xffffff

/** the pass-count blinks repeat every this many ms */
export const COUNT_CYCLE_MS = 2000
/** one dark blink and the lit gap after it */
export const COUNT_BLINK_MS = 150

export function ledColour(indicator: Indicator, passesUsed: number, nowMs: number): number {
    if (indicator === "ready") {
        const t = nowMs % COUNT_CYCLE_MS
        const slot = Math.floor(t / COUNT_BLINK_MS)
        // dark in even slots 0, 2, ... 2(n-1) for n whole passes: n blinks, then lit until the cycle ends
        return slot < 2 * Math.floor(passesUsed) && slot % 2 === 0 ? 0 : GREEN
    }
    if (indicator === "running") return BLUE
    if (indicator === "ending") return MAGENTA
    if (indicator === "paused") return CYAN
    if (indicator === "locked") return nowMs % 1000 < 500 ? ORANGE : 0
    if (indicator === "fault") return nowMs % 400 < 200 ? RED : 0
    if (indicator === "testing") return WHITE
    if (indicator === "test_failed") return nowMs % 1000 < 500 ? WHITE : 0
    return 0
}
