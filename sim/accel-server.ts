// The handpiece accelerometer's Jacdac server as a board runs it (jacdac-c services/accelerometer.c
// and services/jd_sensor.c): the chip is read every ~15.4 ms, and a reading is streamed at one of
// those reads while streaming_samples last, once the streaming interval has passed since the last
// one: 100 ms unless the client wrote an interval (clamped to 20 ms .. 100 s), and from the time of
// each streaming_samples write (the firmware's keep-alive, every second). jacdac-ts's own
// SensorServer streams on its ~50 ms refresh instead, whatever the interval: switched off here.
import { REPORT_RECEIVE, SRV_ACCELEROMETER, SensorServer } from "jacdac-ts"
import { BOARD_DEFAULT_STREAM_MS, SensorStream, boardStreamMs } from "./sensor-stream"

export class BoardAccelerometerServer extends SensorServer<[number, number, number]> {
    private readonly stream = new SensorStream()

    /** `clockMs`: the plant's clock (ms), the board's own */
    constructor(private readonly clockMs: () => number) {
        super(SRV_ACCELEROMETER, { readingValues: [0, 0, -1], streamingInterval: BOARD_DEFAULT_STREAM_MS })
        // jacdac-ts streams when its refresh finds (now - lastStream) above the interval: never now
        ;(this as unknown as { lastStream: number }).lastStream = Infinity
        // a client's streaming_samples write restarts the stream from then (sim/sensor-stream.ts)
        this.streamingSamples.on(REPORT_RECEIVE, () => {
            if (this.streamingSamples.values()[0] > 0) this.stream.restart(this.clockMs())
        })
    }

    /** the interval in force (ms), as a board clamps a written one */
    intervalMs(): number {
        return boardStreamMs(this.streamingInterval.values()[0])
    }

    /**
     * a new reading of the chip at nowMs (the plant's clock, ms): streamed if it is due
     * (sim/sensor-stream.ts), or always with `push` (the timing bench's worst case: every read)
     */
    read(nowMs: number, xG: number, yG: number, zG: number, push: boolean) {
        this.reading.setValues([xG, yG, zG])
        if (push) {
            void this.reading.sendGetAsync()
            return
        }
        const [samples] = this.streamingSamples.values()
        if (!(samples > 0) || !this.stream.due(nowMs, this.intervalMs())) return
        this.streamingSamples.setValues([samples - 1])
        void this.reading.sendGetAsync()
    }
}
