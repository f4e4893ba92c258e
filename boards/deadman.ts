// The motor stage's dead-man feed (docs/HARDWARE.md, "Needle stop when the firmware stops").
//
// The TB6612FNG's STBY comes from a retriggerable one-shot (SN74LVC1G123, rising edge on B,
// ~200 ms = DEADMAN_MS in core/limits.ts). Each call of the returned function makes one rising
// edge on the board's `deadman` pin (a short high pulse, not a toggle: a toggle would give a
// rising edge only every second write). The writer calls it after every drive write
// (drivers/writer.ts onDriveWritten), at least every DRIVE_FEED_MS while the needle is driven. When
// the program stops (panic, hang, out of memory) no edge comes and the bridge opens within
// ~200 ms, although the on-board motor server keeps its last duty.
//
// The first call is not passed on: after a (re)start the first drive write is the stop the writer
// sends when the needle binds (Writer.needleRebound), and a motor server that kept a panicked
// program's duty must have applied that stop before STBY can go high again. The next feed is the
// writer's refresh (REFRESH_MS later) or the next pass's drive.
import * as ds from "@devicescript/core"
import "@devicescript/gpio"

export function deadmanFeeder(pin: ds.OutputPin): () => void {
    if (!pin) throw new Error("no 'deadman' pin: flash this board's configuration (devs flash esp32 --board <id>), docs/HARDWARE.md")
    pin.setMode(ds.GPIOMode.OutputLow)
    let started = false
    return () => {
        if (!started) {
            started = true
            return
        }
        pin.write(1)
        pin.write(0)
    }
}
