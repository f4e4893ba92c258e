// Stroke sensor: a hall/optical target on the cam feeding a hardware pulse counter (ESP32 PCNT),
// as in DOMAIN.md "stroke-rate feedback". The count comes from where the cam really is, never
// from the commanded rate: raw = floor(camRevs * countsPerStroke), integer, cumulative.
// countsPerStroke comes from devs.json stroke.countsPerStroke (12 counts per cam revolution).
//
// Fault `silent` (sensor unplugged, magnet lost): the count stops changing. Edges that pass while
// silent are lost for good, as on real hardware: when the fault clears the count resumes from
// where it froze, so it stays behind the true revolutions by the edges it missed.

export interface StrokeSensorState {
    countsPerStroke: number
    /** what the counter register reads (integer, cumulative) */
    count: number
    /** edges lost while silent */
    lostCounts: number
    /** floor(camRevs * countsPerStroke) at the last step */
    lastRawCounts: number
}

export function createStrokeSensor(countsPerStroke: number, camRevs = 0): StrokeSensorState {
    if (!(countsPerStroke >= 1) || Math.floor(countsPerStroke) !== countsPerStroke)
        throw new Error(`countsPerStroke must be a positive integer, got ${countsPerStroke}`)
    const raw = Math.floor(camRevs * countsPerStroke)
    return { countsPerStroke, count: raw, lostCounts: 0, lastRawCounts: raw }
}

/** Update the count from the cam's real cumulative revolutions. Mutates `s`. */
export function stepStrokeSensor(s: StrokeSensorState, camRevs: number, silent: boolean): void {
    const raw = Math.floor(camRevs * s.countsPerStroke)
    if (silent) s.lostCounts += raw - s.lastRawCounts
    s.lastRawCounts = raw
    s.count = raw - s.lostCounts
}
