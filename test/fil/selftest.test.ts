// The power-on self-test in the firmware (src/main.ts -> core/selftest.ts) against the simulated pen
// in the VM: each wiring mistake (sim/plant/wiring.ts) named by the firmware's SELFTEST lines with
// the same verdict as in the closed loop (test/sim/selftest.test.ts), a correctly wired pen passing
// and arming, and the needle at the simulated motor: the test spin within its bound, stopped at once
// by a touch. Times here are wall times of the real-time rig. Runs beside other files, with at most one other timed file (tools/test-all.mjs FIL_TIMED).
import { afterEach, describe, expect, test } from "vitest"
import { SELFTEST_SPIN_MAX_MS } from "../../core/limits"
import { ratioToForceN } from "../../drivers/force"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { WIRING_MISTAKES, WiringMistakeId } from "../../sim/plant/wiring"
import { Rig } from "../../sim/rig"
import { Ctx, execute } from "../../console/commands"
import { connectLoopback } from "../../console/transports"
import { EXPECTED } from "../sim/selftest-expected"

const P = FACTORY_PROFILE
/** wall-time allowance for the bus and the host's timers on top of a firmware bound */
const BUS_MS = 60
const rigs: Rig[] = []

afterEach(async () => {
    while (rigs.length) await rigs.pop()!.stop()
})

async function started(wiring: WiringMistakeId[], seed = 1, onLine?: (rig: Rig, line: string) => void): Promise<Rig> {
    const rig: Rig = new Rig(P, { seed, wiring, onLine: (l) => onLine?.(rig, l) })
    rigs.push(rig)
    await rig.start()
    return rig
}

/** the needle's drive runs at the motor between writes: [start, end] wall times of each run with duty > 0 */
function driveRuns(rig: Rig): [number, number][] {
    const runs: [number, number][] = []
    let from = -1
    for (const w of rig.pen.motorWrites) {
        if (w.duty > 0 && from < 0) from = w.tMs
        else if (w.duty === 0 && from >= 0) {
            runs.push([from, w.tMs])
            from = -1
        }
    }
    if (from >= 0) runs.push([from, Infinity])
    return runs
}

/** drive writes (duty > 0) the motor got while the last force report sent to the firmware read contact (force.contactN) */
function drivesOnContact(rig: Rig): number[] {
    const out: number[] = []
    for (const w of rig.pen.motorWrites) {
        if (!(w.duty > 0)) continue
        const last = rig.pen.forceReports.filter((f) => f.tMs <= w.tMs).pop()
        if (last && ratioToForceN(P.force.curve, last.ratio) >= P.force.contactN) out.push(w.tMs)
    }
    return out
}

describe("self-test in the firmware (VM)", () => {
    test("H17 each wiring mistake is named with the closed loop's verdict, and arming is refused", async () => {
        const rows: string[] = []
        const check = async (m: (typeof WIRING_MISTAKES)[number]) => {
            const rig = await started([m.id])
            expect(rig.selfTest?.verdict, m.id).toBe("fail")
            expect(rig.selfTest?.id, `${m.id}: ${rig.selfTestLines.join(" | ")}`).toBe(EXPECTED[m.id])
            rows.push(`| ${m.id} | ${rig.selfTest?.id} | ${rig.selfTest?.line} |`)
            if (m.id !== "trigger_stuck") {
                const n = rig.events.length
                await rig.pen.press("trigger")
                await rig.waitEvent("refused", 3000, n)
                const why = rig.events.slice(n).find((e) => e.kind === "refused")!.message
                expect(why.includes(`self-test failed: ${EXPECTED[m.id]}`) || why.includes("is latched"), `${m.id}: ${why}`).toBe(true)
            }
            await rig.pen.sleepSim(300)
            expect(rig.state(), m.id).not.toBe("armed")
            rigs.splice(rigs.indexOf(rig), 1)
            await rig.stop()
        }
        // two pens at a time: the verdicts judge what the wiring does, not how fast (the good pen's
        // spin, timed at the motor, is the next test's, one pen at a time)
        for (let i = 0; i < WIRING_MISTAKES.length; i += 2) await Promise.all(WIRING_MISTAKES.slice(i, i + 2).map(check))
        expect(rows.length).toBe(WIRING_MISTAKES.length)
        if (process.env.PEN_VERBOSE) console.log(rows.join("\n"))
    }, 240_000)

    test("H17 a correctly wired pen passes in three seeds, then arms; the test spin ran within its bound", async () => {
        for (const seed of [1, 2, 3]) {
            const rig = await started([], seed)
            expect(rig.selfTest?.verdict, rig.selfTestLines.join(" | ")).toBe("pass")
            await rig.pen.until(() => rig.status?.fields.selftest === "pass", 3000, "selftest=pass on the STATUS line")
            const runs = driveRuns(rig)
            expect(runs.length, `seed ${seed}`).toBe(1)
            expect(runs[0][1] - runs[0][0], `seed ${seed}: the spin at the motor (wall ms)`).toBeLessThanOrEqual(SELFTEST_SPIN_MAX_MS + BUS_MS)
            expect(drivesOnContact(rig), `seed ${seed}`).toEqual([])
            await rig.pen.press("trigger")
            await rig.waitState("armed")
            await rigs.pop()!.stop()
        }
    }, 120_000)

    test("H17 a pen held on the skin from power-on: the motor never gets a drive during the self-test, and the verdict says lift it", async () => {
        let held = false
        const rig = await started([], 1, (r) => {
            // on the skin before the firmware runs (the first line is the CLI's)
            if (!held) r.pen.handForceN = 1.5
            held = true
        })
        expect(rig.selfTest?.id, rig.selfTestLines.join(" | ")).toBe("force_not_zero")
        expect(rig.selfTestLines.join("\n")).toContain("lift the pen")
        expect(rig.pen.forceReports.length).toBeGreaterThan(0)
        expect(rig.pen.motorWrites.filter((w) => w.duty > 0), "drive writes at the motor").toEqual([])
        expect(rig.selfTestLines.some((l) => l.startsWith("SELFTEST depth skipped")), "no depth step on the skin").toBe(true)
    }, 60_000)

    test("H17 a touch during the test spin: the motor stops within a force report and a decision, and the verdict asks for a rerun", async () => {
        let touchedAt = -1
        const rig = await started([], 1, (r, line) => {
            // the hand comes down as soon as the motor has the spin's drive
            if (line === "SELFTEST start") {
                const iv = setInterval(() => {
                    if (r.pen.motorWrites.some((w) => w.duty > 0)) {
                        r.pen.handForceN = 2
                        touchedAt = performance.now()
                        clearInterval(iv)
                    }
                }, 1)
            }
        })
        expect(touchedAt).toBeGreaterThan(0)
        expect(rig.selfTest?.id, rig.selfTestLines.join(" | ")).toBe("spin_contact")
        // the first force report that read contact, and the stop that followed it
        const contact = rig.pen.forceReports.find((f) => f.tMs >= touchedAt && ratioToForceN(P.force.curve, f.ratio) >= P.force.releaseN)!
        const runs = driveRuns(rig)
        expect(runs.length).toBe(1)
        expect(runs[0][1] - contact.tMs, "report with contact -> stop at the motor (wall ms)").toBeLessThanOrEqual(BUS_MS)
        expect(runs[0][1] - runs[0][0]).toBeLessThanOrEqual(SELFTEST_SPIN_MAX_MS + BUS_MS)
        // arming is refused until a rerun passes
        const n = rig.events.length
        rig.pen.handForceN = 0
        await rig.pen.press("trigger")
        await rig.waitEvent("refused", 3000, n)
        expect(rig.state()).toBe("idle")
    }, 60_000)

    test("H17 the console's selftest runs it again while disarmed and gives the verdict; refused while armed", async () => {
        for (const [wiring, want] of [[[], ""], [["stroke_dead"], "stroke_none"]] as [WiringMistakeId[], string][]) {
            const rig = await started(wiring)
            const link = await connectLoopback(rig.hub.port)
            try {
                const ctx: Ctx = { pen: link, json: false, yes: false, emit: () => {}, readFile: () => "", writeFile: () => {} }
                const n = rig.selfTestLines.length
                const out = await execute("selftest", ctx)
                expect(rig.selfTestLines.length, "the firmware ran it again").toBeGreaterThan(n)
                if (want === "") {
                    expect(out.ok, out.message).toBe(true)
                    expect(out.message).toContain("self-test passed")
                    await rig.pen.press("trigger")
                    await rig.waitState("armed")
                    const again = await execute("selftest", ctx)
                    expect(again.ok).toBe(false)
                    expect(again.message).toContain("only while disarmed")
                } else {
                    expect(out.ok).toBe(false)
                    expect(out.message).toContain(`self-test failed: ${want}`)
                }
            } finally {
                await link.close()
                await rigs.pop()!.stop()
            }
        }
    }, 90_000)
})
