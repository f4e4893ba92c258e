// When a board's sensor server streams a reading (jacdac-c services/jd_sensor.c, jd_should_sample):
// it reads the chip on its own poll (~15.4 ms for the accelerometer) and streams at the first read
// after the interval has passed, the next due time moving on by the interval (or from now when it
// fell behind). 100 ms until the client writes one; a written one is clamped to 20 ms .. 100 s.
// Every streaming_samples write (the firmware's keep-alive, each second) starts it again from then.
// One rule for the three runners that feed the firmware the accelerometer: the VM's server
// (sim/accel-server.ts), the closed loop (sim/closedloop.ts) and the dwell model (sim/dwell.ts).
// At 20 ms against the chip's 38.5 ms samples (26 Hz, as the board's firmware sets it) none is
// missed and about every other report repeats the last one; at jacdac-c's own 52 Hz (19.2 ms)
// about 9 samples a second are never streamed and ~7 reports a second repeat the last one. The
// firmware must cope with that (core/motion.ts), so no runner may feed it every poll unless asked
// to. The dwell model restarts the stream only when
// asked (sim/dwell.ts keepAliveMs): its tests run without it (docs/DOSE.md "The board's stream").

/** the streaming interval a board's sensor server uses when none was written (jd_sensor.c) */
export const BOARD_DEFAULT_STREAM_MS = 100
/** what a board clamps a written interval to (jd_sensor.c) */
const BOARD_STREAM_MIN_MS = 20
const BOARD_STREAM_MAX_MS = 100000

/** the interval in force (ms): a written one as a board clamps it, or the default */
export function boardStreamMs(writtenMs: number | undefined): number {
    return Math.min(BOARD_STREAM_MAX_MS, Math.max(BOARD_STREAM_MIN_MS, writtenMs ?? BOARD_DEFAULT_STREAM_MS))
}

/**
 * jd_should_sample's timer: due on a fixed grid of `intervalMs`, or from now when it fell a whole
 * interval behind. A board's stream runs on it, and so do its server's reads of the chip (the
 * accelerometer's every 15.39 ms: sim/devices.ts, sim/dwell.ts)
 */
export class SensorStream {
    private nextMs = 0

    /** when it is next due (ms) */
    dueAtMs(): number {
        return this.nextMs
    }

    /**
     * the client wrote streaming_samples at nowMs: the stream starts again from then (jd_sensor.c
     * sets next_streaming = now on every such write; the firmware's keep-alive writes it every
     * second, drivers/writer.ts KEEPALIVE_MS), so the next read is streamed
     */
    restart(nowMs: number) {
        this.nextMs = nowMs
    }

    /** a read of the chip at nowMs (ms), `intervalMs` in force: is it streamed? (moves the next due time when it is) */
    due(nowMs: number, intervalMs: number): boolean {
        if (nowMs < this.nextMs) return false
        this.nextMs += intervalMs
        if (this.nextMs <= nowMs) this.nextMs = nowMs + intervalMs
        return true
    }
}
