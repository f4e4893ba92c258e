// Shared by console-robust.test.ts, fuzz.test.ts and `npm run fuzz` (test/fil/fuzz-run.ts): what
// the firmware in the VM printed, judged from the outside (a panic, a restart, the control loop's
// STATUS lines), and a seeded generator of malformed console packets.
import { Packet } from "jacdac-ts"
import {
    CMD_AREA_INFO, CMD_CLEAR_FAULT, CMD_IMPORT_PRESETS, CMD_NEW_SESSION, CMD_REVERT_PRESETS, CMD_SAVE_PRESETS,
    CMD_SELECT_AREA, CMD_SET_PRESET, REG_PROFILE, REG_STATUS,
} from "../../drivers/wire"

/** what the VM prints when the program dies: an exception, a panic (60005 out of memory, InfiniteLoop, ...), a stop */
export const DEATH = /PANIC|Unhandled exception|Exception:|OutOfMemory|out of memory|InfiniteLoop|stop program/i

/** reads the VM's output as it comes: deaths, restarts (a second BOOT line), control loop rate */
export class VmWatch {
    readonly deaths: string[] = []
    boots = 0
    statuses = 0
    /** tps of each STATUS line (decisions per second) */
    readonly tps: number[] = []
    /** the worst gap between two control decisions, ms, per STATUS line */
    readonly gaps: number[] = []
    readonly drops: string[] = []

    readonly onLine = (line: string) => {
        if (DEATH.test(line)) this.deaths.push(line)
        if (line.startsWith("BOOT ")) this.boots++
        if (line.startsWith("STATUS ")) {
            this.statuses++
            const t = /tps=(\d+)/.exec(line)
            if (t) this.tps.push(+t[1])
            const g = /gapmax=(\d+)/.exec(line)
            if (g) this.gaps.push(+g[1])
        }
        if (line.startsWith("CONSOLE ")) this.drops.push(line)
    }

    /** "" when the program never died nor restarted, else what happened */
    trouble(): string {
        const out: string[] = []
        if (this.deaths.length) out.push(`the VM printed: ${this.deaths.slice(0, 6).join(" | ")}`)
        if (this.boots > 1) out.push(`the program booted ${this.boots} times`)
        return out.join("; ")
    }
}

/** a small seeded PRNG (mulberry32): same seed, same packets */
export function rng(seed: number): () => number {
    let a = seed >>> 0
    return () => {
        a = (a + 0x6d2b79f5) >>> 0
        let t = a
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
}

export const CONSOLE_COMMANDS = [
    CMD_SET_PRESET, CMD_AREA_INFO, CMD_SELECT_AREA, CMD_SAVE_PRESETS, CMD_REVERT_PRESETS, CMD_NEW_SESSION,
    CMD_CLEAR_FAULT, CMD_IMPORT_PRESETS,
]
/** register get and set of both registers */
export const CONSOLE_REGS = [0x1000 | REG_STATUS, 0x1000 | REG_PROFILE, 0x2000 | REG_STATUS, 0x2000 | REG_PROFILE]

/** payloads that are wrong for every command: empty, too short, too long, garbage, bad UTF-8, NaN-ish floats */
export function malformedPayloads(): Uint8Array[] {
    const nan = new Uint8Array(new Float64Array([NaN]).buffer)
    return [
        new Uint8Array(0),
        new Uint8Array([7]),
        new Uint8Array([1, 2, 3]),
        new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]),
        new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff]),
        new Uint8Array([2, 0, 0, 0, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0]),
        new Uint8Array([3, 0, 0, 0, ...nan, ...nan, 0x41]),
        new Uint8Array([4, 0, 0, 0, 0x80, 0x96, 0x98, 0, 0x40, 0x42, 0x0f, 0, 1, 0, 0, 0, 0x63, 0x68, 0x65, 0x65, 0x6b, 0x73, 0]),
        new Uint8Array(236).fill(0xa5),
        new Uint8Array(236).map((_, i) => i * 37),
    ]
}

/** one random console packet: a random command or register (sometimes an unknown code) with a random payload */
export function randomConsolePacket(r: () => number, reqBase: number): Packet {
    const k = r()
    let code: number
    if (k < 0.7) code = CONSOLE_COMMANDS[Math.floor(r() * CONSOLE_COMMANDS.length)]
    else if (k < 0.9) code = CONSOLE_REGS[Math.floor(r() * CONSOLE_REGS.length)]
    else code = Math.floor(r() * 0x10000)
    const n = r() < 0.3 ? Math.floor(r() * 5) : Math.floor(r() * 40)
    const p = new Uint8Array(r() < 0.05 ? 236 : n)
    for (let i = 0; i < p.length; i++) p[i] = Math.floor(r() * 256)
    // a request id that is new most of the time (a repeat now and then)
    if (p.length >= 4 && r() < 0.8) new DataView(p.buffer).setUint32(0, reqBase + Math.floor(r() * 1e6), true)
    return Packet.from(code, p)
}
