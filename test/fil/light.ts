// The simulated status light's colour, as the firmware last set it: "r,g,b"
import type { Rig } from "../../sim/rig"

export function pixel(rig: Rig): string {
    const px = rig.pen.led.pixels.values()[0] as Uint8Array
    return Array.from(px.slice(0, 3)).join(",")
}
