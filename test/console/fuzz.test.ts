// The host console's command parser, fuzzed (seeded, reproducible): random command lines (real
// command names and area ids mixed with odd numbers, units, quotes, control characters and long
// junk) against the real control core (FakePen). The console never throws for input, always answers
// with ok and a message, and a refused line changes nothing on the pen.
import { describe, expect, test } from "vitest"
import { Ctx, execute } from "../../console/commands"
import { boundRig } from "../core/penkit"
import { rng } from "../fil/robust"
import { FakePen } from "./fakepen"

const WORDS = [
    "status", "watch", "areas", "presets", "set", "save", "revert", "select", "new-session", "clear-fault", "export", "import",
    "help", "?", "quit", "exit", "SET", "Select", "depth", "rate", "passes", "DEPTH", "--yes", "-", "periorbital", "cheeks",
    "body", "scalp", "nose", "Cheeks", "cheek", "0", "-0", "0.5", "0.25", "1.5", "2.5", "3", "3.05", "100", "150", "151", "49",
    "1", "2", "4", "-1", "NaN", "nan", "Infinity", "-Infinity", "1e309", "1e-9", "0x10", "1,5", "0.05mm", "1.5 mm", "''", '"',
    '"cheeks"', "cheeks\u0000", "\t", "é", "😀", "..", "/tmp", "file.json", " ", "  ", "9".repeat(400),
]

function randomLine(r: () => number): string {
    const n = Math.floor(r() * 6)
    const w: string[] = []
    for (let i = 0; i < n; i++) {
        if (r() < 0.15) {
            let s = ""
            const m = 1 + Math.floor(r() * 12)
            for (let j = 0; j < m; j++) s += String.fromCharCode(r() < 0.8 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 0x3000))
            w.push(s)
        } else w.push(WORDS[Math.floor(r() * WORDS.length)])
    }
    return w.join(r() < 0.9 ? " " : "\t")
}

async function snapshot(pen: FakePen) {
    const s = await pen.status()
    return JSON.stringify({ areas: await pen.areas(), area: s.areaId, state: s.state, fault: s.fault, flags: s.flags })
}

describe("host console, fuzzed command lines", () => {
    test("H11 2000 random lines per seed: never throws, always ok + message, a refused line changes nothing", async () => {
        let lines = 0
        let refused = 0
        for (const seed of [1, 2, 3]) {
            const r = rng(seed)
            const pen = new FakePen(await boundRig())
            const files: Record<string, string> = {}
            const ctx: Ctx = {
                pen, json: r() < 0.5, yes: false,
                confirm: async () => r() < 0.5,
                emit: () => {},
                stopped: () => Promise.resolve(),
                readFile: (path) => {
                    if (path in files) return files[path]
                    if (r() < 0.5) throw new Error(`ENOENT: no such file, open '${path}'`)
                    return randomLine(r)
                },
                writeFile: (path, text) => {
                    files[path] = text
                },
            }
            for (let i = 0; i < 2000; i++) {
                const line = randomLine(r)
                ctx.yes = r() < 0.3
                const before = await snapshot(pen)
                const out = await execute(line, ctx).catch((e) => ({ thrown: String(e) }))
                expect(out, `seed ${seed} line ${i}: ${JSON.stringify(line)}`).not.toHaveProperty("thrown")
                const o = out as { ok: boolean; message: string }
                expect(typeof o.ok, JSON.stringify(line)).toBe("boolean")
                expect(typeof o.message, JSON.stringify(line)).toBe("string")
                if (!o.ok) {
                    refused++
                    expect(o.message.length, `a refusal says why: ${JSON.stringify(line)}`).toBeGreaterThan(0)
                    expect(await snapshot(pen), `refused ${JSON.stringify(line)} -> ${o.message}`).toBe(before)
                }
                lines++
            }
        }
        console.log(`host console: ${lines} random lines (seeds 1-3), ${refused} refused, none threw, no refused line changed the pen`)
    }, 60000)
})
