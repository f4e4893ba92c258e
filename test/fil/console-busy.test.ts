// Firmware in the loop with the console attached, outcomes only (runs beside other files): while
// the needle is in use, the console's commands that need it out of the skin are refused by the
// firmware's core and change nothing. The stop's timing with a console attached is console.test.ts's.
import { describe, expect, test } from "vitest"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Writable } from "node:stream"
import { runConsole } from "../../console/app"
import { useRigs } from "./rigs"
import { scratchDir } from "../../sim/scratch"

const { startRig } = useRigs()

describe("firmware in the loop, console attached, needle in use", () => {
    test("H1 H11 while the needle is in use the console's commands that need the needle out of the skin are refused, and nothing changes", async () => {
        const rig = await startRig()
        const port = String(rig.hub.port)
        const before = await consoleJson(["--port", port, "presets"])
        await rig.pen.press("trigger")
        await rig.waitState("armed")
        rig.pen.handForceN = 1.5
        await rig.waitState("treating")
        const busy = await consoleJson(["--port", port, "--yes", "--file", script(["set periorbital depth 0.5", "select cheeks", "save", "revert", "new-session"])])
        expect(busy.map((x) => x.message)).toEqual([
            "the needle is in use: presets change only while the needle is out of the skin",
            "the needle is in use: lift the pen and let the needling end before changing area",
            "the needle is in use: presets are saved only while the needle is out of the skin",
            "the needle is in use: presets change only while the needle is out of the skin",
            "the needle is in use: lift the pen and disarm before starting a new session",
        ])
        expect(rig.state()).toBe("treating")
        rig.pen.handForceN = 0
        await rig.waitState("armed")
        const after = await consoleJson(["--port", port, "presets"])
        const presetsOf = (r: any) => r.data.areas.map((a: any) => ({ id: a.id, working: a.working, saved: a.saved }))
        expect(presetsOf(after[0])).toEqual(presetsOf(before[0]))
        expect(rig.status?.fields.area).toBe("periorbital")
        // the dose of that one needling, under the area's limit of 2 (a new session would have cleared it)
        const [used, limit] = (rig.status?.fields.pass ?? "").split("/")
        expect(parseFloat(used)).toBeGreaterThan(0)
        expect(limit).toBe("2")
    }, 60000)
})

/** a script file with these commands */
function script(lines: string[]): string {
    const f = join(scratchDir("pen-fil-"), "script.txt")
    writeFileSync(f, lines.join("\n") + "\n")
    return f
}

/** the console in this process with --json; its results */
async function consoleJson(argv: string[]): Promise<any[]> {
    let text = ""
    const stdout = new Writable({
        write(c, _e, cb) {
            text += c.toString()
            cb()
        },
    })
    await runConsole(["--json", ...argv], { stdout, stderr: stdout, interactive: false })
    return text.trim().split("\n").map((l) => JSON.parse(l))
}
