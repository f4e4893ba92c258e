// `npm start`: the pen firmware in the DeviceScript VM against the simulated pen, playing a short
// treatment. Prints a live status line from the firmware, its events, and the final pass ledger,
// and checks the outcome against what the simulated hardware saw. Exit 0 only if it all held.
import { FACTORY_PROFILE } from "../src/profile.g"
import { HandSegment } from "./plant/hand"
import { Rig } from "./rig"

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
        ` force=${f.force} pass=${f.pass} duty=${f.duty}`
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
    onLine: (line) => {
        if (line.startsWith("STATUS ")) showStatus(line)
        else if (line.startsWith("EVENT ") && !line.startsWith("EVENT state")) say(`  firmware: ${line.slice(6)}`)
    },
})

const pass = (glideMs: number, forceN = 1.5): HandSegment[] => [
    { kind: "approach", durationMs: 200, forceN },
    { kind: "glide", durationMs: glideMs, forceN },
    { kind: "lift", durationMs: 100, forceN: 0 },
    { kind: "hold", durationMs: 600, forceN: 0 },
]

async function selectArea(id: string) {
    for (let i = 0; i < FACTORY_PROFILE.areas.length && rig.status?.fields.area !== id; i++) {
        const before = rig.status?.fields.area
        await rig.pen.press("area")
        await rig.pen.until(() => rig.status?.fields.area !== before, 3000, "the area to change")
    }
    if (rig.status?.fields.area !== id) throw new Error(`could not select area ${id}`)
}

const checks: [string, boolean][] = []

async function main() {
    say("starting the simulated pen and the firmware (DeviceScript VM) ...")
    await rig.start()
    const bootMs = performance.now() - t0
    say(`firmware up: first status ${bootMs.toFixed(0)} ms after launch`)

    say("operator: select the cheeks, arm the pen")
    await selectArea("cheeks")
    await rig.pen.press("trigger")
    await rig.waitState("armed")

    say("operator: pass 1, glide at 1.5 N")
    await rig.pen.playHand(pass(2000))
    say("operator: pass 2, pressing too hard half way")
    await rig.pen.playHand([
        { kind: "approach", durationMs: 200, forceN: 1.5 },
        { kind: "glide", durationMs: 1000, forceN: 1.5 },
        // leaning in over a quarter second: slower than a jab, so the over-pressure cutoff acts
        { kind: "press", durationMs: 500, forceN: 5.5, rampMs: 250 },
        { kind: "lift", durationMs: 100, forceN: 0 },
        { kind: "hold", durationMs: 600, forceN: 0 },
    ])
    say("operator: pass 3")
    await rig.pen.playHand(pass(1500))
    await rig.waitState("locked", 3000)

    say("operator: touches the locked area again")
    const writesBefore = rig.pen.motorWrites.length
    await rig.pen.playHand(pass(700))
    const drivenWhileLocked = rig.pen.motorWrites.slice(writesBefore).some((w) => w.duty > 0)

    say("operator: next area (scalp), one pass")
    await selectArea("scalp")
    await rig.waitState("armed")
    await rig.pen.playHand(pass(1500))
    await rig.pen.press("trigger")
    await rig.waitState("idle")
    await rig.pen.sleepSim(300)
    if (tty) process.stdout.write("\n")

    const cheeks = rig.ledger.get("cheeks")
    const scalp = rig.ledger.get("scalp")
    checks.push(["cheeks used 3/3 passes", cheeks?.passes === "3/3"])
    checks.push(["the too-hard press was recorded", cheeks?.overpressure === "1"])
    checks.push(["the over-pressure cutoff fired", rig.events.some((e) => e.kind === "over_pressure")])
    checks.push(["the cheeks locked after pass 3", rig.events.some((e) => e.kind === "area_locked" && e.areaId === "cheeks" && e.pass === 3)])
    checks.push(["no drive on the locked area", !drivenWhileLocked])
    checks.push(["scalp used 1/3 passes", scalp?.passes === "1/3"])
    checks.push(["no fault", !rig.events.some((e) => e.kind === "fault")])

    console.log("\npass ledger (from the firmware):")
    console.log("  area         passes  treated  too-hard presses")
    for (const [area, f] of rig.ledger)
        console.log(`  ${area.padEnd(12)} ${f.passes.padEnd(7)} ${f.treated.padEnd(8)} ${f.overpressure}`)
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
