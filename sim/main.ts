// `npm start`: the pen firmware in the DeviceScript VM against the simulated pen, playing a short
// treatment under the dose rule (dose progress, the warning, the lock) with the handpiece
// accelerometer on the bus (the dwell rule: rows glide over the curved skin, a dwell is stopped).
// Prints a live status line
// from the firmware, its events, and the final dose ledger,
// and checks the outcome against what the simulated hardware saw. Exit 0 only if it all held.
import { FACTORY_PROFILE } from "../src/profile.g"
import { AREA_SIZES } from "./plant/areas"
import { HandSegment } from "./plant/hand"
import { Technique, TechniqueBuilder } from "./plant/technique"
import { Rig } from "./rig"
import { connectLoopback } from "../console/transports"

const tty = process.stdout.isTTY === true
const t0 = performance.now()
let lastPrinted = 0
let live = ""

function clock(): string {
    return `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s`
}

function say(line: string) {
    if (tty && live) process.stdout.write("\r\x1b[2K")
    console.log(`${clock()}  ${line}`)
    if (tty && live) process.stdout.write(live)
}

function showStatus(raw: string) {
    const f = rig.status!.fields
    const line =
        `${f.state.padEnd(8)} area=${f.area.padEnd(11)} depth=${f.depth} rate set/meas=${f.rate}` +
        ` force=${f.force} passes=${f.pass} duty=${f.duty}`
    if (tty) {
        live = `${clock()}  ${line}`
        process.stdout.write("\r\x1b[2K" + live)
    } else if (performance.now() - lastPrinted > 1000) {
        lastPrinted = performance.now()
        console.log(`${clock()}  ${line}`)
    }
    void raw
}

const rig = new Rig(FACTORY_PROFILE, {
    accelerometer: true,
    onLine: (line) => {
        if (line.startsWith("STATUS ")) showStatus(line)
        else if (line.startsWith("EVENT ") && !line.startsWith("EVENT state")) say(`  firmware: ${line.slice(6)}`)
    },
})

/** the periorbital patch as the simulator's skin: the pen turns with its curvature as it glides */
const PERIORBITAL = AREA_SIZES.periorbital
const SKIN = { widthMm: PERIORBITAL.widthMm, heightMm: PERIORBITAL.heightMm, radiusXMm: PERIORBITAL.radiusXMm, radiusYMm: PERIORBITAL.radiusYMm }

/** one row across the patch at y (back and forth by row), then a lift of liftMs to the next row; set down and held still for dwellMs first */
function row(i: number, liftMs: number, dwellMs = 0): Technique {
    const y = 5 + (i % 4) * 4.5
    const [x0, x1] = i % 2 === 0 ? [5, 35] : [35, 5]
    const b = new TechniqueBuilder(x0, y)
    b.forceN = 1.2
    if (dwellMs > 0) b.hold(dwellMs)
    b.glideTo(x1, y, 12)
    const next = 5 + ((i + 1) % 4) * 4.5
    b.liftTo(x1, next, liftMs, 5)
    const tech = b.build()
    tech.surface = SKIN
    return tech
}

/**
 * periorbital (9.6 cm², 1,600 punctures/cm² a pass) set on the console to 1 pass at 150 strokes/s:
 * the 12-needle cartridge lays a pass in ~8.5 s of needling, short enough to show the whole rule
 */
const SHORT = { areaId: "periorbital", depthUm: 500, strokeMilliHz: 150000, passLimit: 1 }

const checks: [string, boolean][] = []

async function main() {
    say("starting the simulated pen and the firmware (DeviceScript VM) ...")
    await rig.start()
    const bootMs = performance.now() - t0
    say(`firmware up: first status ${bootMs.toFixed(0)} ms after launch`)

    say("console: periorbital at 0.50 mm, 150 strokes/s, a limit of 1 pass (a short treatment)")
    const link = await connectLoopback(rig.hub.port)
    const set = await link.setPreset(SHORT.areaId, SHORT.depthUm, SHORT.strokeMilliHz, SHORT.passLimit)
    await link.close()
    if (!set.ok) throw new Error(`the firmware refused the preset: ${set.message}`)
    say("operator: select periorbital, arm the pen")
    await rig.selectArea("periorbital")
    await rig.pen.press("trigger")
    await rig.waitState("armed")

    say("operator: glide a row, lift 1.5 s to the next (a lift starts no pass: the dose counts)")
    await rig.pen.playTechnique(row(0, 1500))
    say("operator: sets the pen down and holds it still on one spot (a dwell), then glides the row")
    const dwellFrom = rig.events.length
    // at rest from the touch-down (the plant's clock)
    const restMs = rig.pen.plant.nowMs
    await rig.pen.playTechnique(row(1, 700, 2000))
    const stopAt = rig.events.findIndex((e, k) => k >= dwellFrom && e.kind === "dwell_stop")
    const dwellStopMs = stopAt >= 0 ? rig.eventPlantMs[stopAt] - restMs : NaN
    say(`  the needle stopped ${dwellStopMs.toFixed(0)} ms after the pen came to rest`)
    say("operator: the next row, pressing too hard at its start")
    // a hand without a path: the pen does not move, so the press comes before the dwell rule's warning
    await rig.pen.playHand([
        { kind: "approach", durationMs: 200, forceN: 1.2 },
        { kind: "glide", durationMs: 250, forceN: 1.2 },
        // leaning in over a quarter second: slower than a jab, so the over-pressure cutoff acts
        { kind: "press", durationMs: 500, forceN: 5.5, rampMs: 250 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 800, forceN: 0 },
    ])
    say("operator: lifts, moves on to the next row, and glides rows until the pen stops (it warns first, then locks the area)")
    // from row 3: row 2 starts on the spot just pressed, and the press's needling time carries
    // into a glide started there until the pen turns (the stamping rule, docs/DOSE.md "What it
    // cannot do"): since the settling re-centre that glide was stopped 0.2 s in
    for (let i = 3; i < 11 && rig.state() !== "locked"; i++) await rig.pen.playTechnique(row(i, 700))
    await rig.waitState("locked", 3000)

    say("operator: touches the locked area again")
    const writesBefore = rig.pen.motorWrites.length
    await rig.pen.playTechnique(row(0, 600))
    const drivenWhileLocked = rig.pen.motorWrites.slice(writesBefore).some((w) => w.duty > 0)

    say("operator: next area (forehead), one row")
    await rig.selectArea("forehead")
    await rig.waitState("armed")
    await rig.pen.playTechnique(row(1, 600))
    await rig.pen.press("trigger")
    await rig.waitState("idle")
    await rig.pen.sleepSim(300)
    // the ledger lines come at most once a second
    await rig.pen.until(() => parseFloat(rig.ledger.get("forehead")?.passes ?? "0") > 0, 5000, "the forehead's ledger line")
    if (tty) process.stdout.write("\n")

    const lock = rig.events.find((e) => e.kind === "area_locked" && e.areaId === "periorbital")
    const warnAt = rig.events.findIndex((e) => e.kind === "dose_warning" && e.areaId === "periorbital")
    const lockAt = rig.events.findIndex((e) => e.kind === "area_locked" && e.areaId === "periorbital")
    const forehead = parseFloat(rig.ledger.get("forehead")?.passes ?? "0")
    checks.push(["periorbital locked at its 1-pass dose", lock !== undefined && (lock.pass ?? 0) >= 1])
    checks.push(["the dose warning came before the lock", warnAt >= 0 && warnAt < lockAt])
    checks.push(["lifts started no pass: more than 3 needling episodes before the lock",
        rig.events.slice(0, lockAt).filter((e) => e.kind === "needling_start").length > 3])
    checks.push(["the too-hard press was recorded", rig.ledger.get("periorbital")?.overpressure === "1"])
    checks.push(["the over-pressure cutoff fired", rig.events.some((e) => e.kind === "over_pressure")])
    checks.push(["the dwell was stopped within 1.5 s of the pen coming to rest", dwellStopMs >= 0 && dwellStopMs <= 1500])
    checks.push(["no glide was stopped", rig.events.filter((e) => e.kind === "dwell_stop").length === 1])
    checks.push(["no drive on the locked area", !drivenWhileLocked])
    checks.push(["the forehead has a share of a pass", forehead > 0 && forehead < 0.2])
    checks.push(["no fault", !rig.events.some((e) => e.kind === "fault")])

    console.log("\ndose ledger (from the firmware):")
    console.log("  area         passes   punctures  treated  too-hard presses")
    for (const [area, f] of rig.ledger)
        console.log(`  ${area.padEnd(12)} ${f.passes.padEnd(8)} ${(f.punctures ?? "").padEnd(10)} ${f.treated.padEnd(8)} ${f.overpressure}`)
    console.log("\nchecks against the simulated hardware:")
    for (const [what, ok] of checks) console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`)
}

main()
    .then(async () => {
        await rig.stop()
        const failed = checks.filter(([, ok]) => !ok).length
        console.log(failed ? `\n${failed} check(s) failed` : `\ntreatment finished in ${clock().trim()}`)
        process.exit(failed ? 1 : 0)
    })
    .catch(async (e) => {
        if (tty) process.stdout.write("\n")
        console.error(`\nthe simulated treatment stopped: ${e instanceof Error ? e.message : e}`)
        console.error("last firmware status:", rig.status?.raw ?? "(none)")
        await rig.stop()
        process.exit(1)
    })
