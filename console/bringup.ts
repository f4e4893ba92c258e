// `bringup`: a guided commissioning of a newly built pen over the console, the simulated pen and a
// board over USB alike (issue 14 part 3; docs/HARDWARE.md "Bring-up checklist"). It runs the
// self-test, asks for each button, for a light and a firm press and a known weight on the face,
// spins the needle off the skin (the self-test's spin) for its strokes per duty, moves the depth
// actuator to each end for the builder to measure, then shows the calibration this makes, checks
// it with the core's own rules and, once the builder says yes, stores it on the pen
// (set_calibration: checked again, stored as a checksummed record, read back, used). A fault the
// pen latches meanwhile is said and cleared once its condition is gone (clearLatched); a feedback
// pot off by more than depth.toleranceMm at an end latches depth_not_following that does not
// clear: the session stops, and the calibration program does that pot (docs/HARDWARE.md).
//
// The pen only reads and moves; the guidance and the arithmetic are here (console/calibration.ts).
// Every reading a step takes is shown live while the step waits (a terminal: one line rewritten;
// a script: a line a second; --json: {"live": ...}). Questions go through ctx.ask: a terminal
// prompt, or the next line of input for a script (--json prints {"ask": id, "question": ...} first),
// so a script can act at each step (put the weight on) before it answers. Nothing is stored before
// the last question; "q" at any question stops, and the presets and area it changed are restored.
import { CAL_FORCE_ZERO_MAX_N, DEPTH_MAX_MM, SELFTEST_SPIN_DUTY } from "../core/limits"
import { fixed } from "../core/format"
import { FACTORY_PROFILE } from "../src/profile.g"
import {
    Calibration, N_PER_GRAM, calibrationText, checkLocally, cutoffTrueN, feedbackCalibration, forceCalibration, hzPerDuty, mean, steadyReading,
} from "./calibration"
import type { Ctx, Output } from "./commands"
import { LinkError, WireCalibration, WireStatus } from "./link"

/** how long a step waits for a button press or the pen (ms) */
export const BRINGUP_WAIT_MS = 60000
/** readings averaged for a force or depth value, one per READ_EVERY_MS */
const SAMPLES = 8
const READ_EVERY_MS = 250
/** button steps poll faster: a press lasts ~0.1-0.3 s */
const BUTTON_POLL_MS = 50
/** the default weight: near the cutoff (4.0 N ~ 408 g), so the curve is calibrated where it matters */
const DEFAULT_GRAMS = 400
/** self-test spins for the strokes per duty (their median) */
const SPINS = 5
/** the depth feedback counts as at an end of the travel within this of the command (mm) ... */
const DEPTH_NEAR_MM = 0.3
/** ... and must get there within this (ms) */
const DEPTH_WAIT_MS = 15000

class Stop extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** what the session changed on the pen and puts back at the end */
interface Undo {
    areaId: string
    presetsSet: boolean
}

export async function bringup(ctx: Ctx): Promise<Output> {
    const pen = ctx.pen
    if (!pen.calibration || !pen.setCalibration || !pen.runSelfTest) return { ok: false, message: "this link cannot commission the pen" }
    if (!ctx.ask) return { ok: false, message: "bringup asks questions: run it from a terminal, or give the answers on stdin (npm run console -- bringup)" }
    let cal0: WireCalibration
    try {
        cal0 = await pen.calibration()
    } catch (e) {
        if (e instanceof LinkError) return { ok: false, message: e.message }
        throw e
    }
    const s0 = await pen.status()
    if (s0.state !== "idle") return { ok: false, message: `the pen is ${s0.state}: disarm it (trigger), or clear its fault, before a bring-up` }
    const areas = await pen.areas()
    if (areas.some((a) => a.working.depthMm !== a.saved.depthMm || a.working.strokeHz !== a.saved.strokeHz || a.working.passLimit !== a.saved.passLimit))
        return { ok: false, message: "the pen has preset changes that are not saved: save or revert them first (bringup moves the depth with a preset)" }
    const undo: Undo = { areaId: s0.areaId, presetsSet: false }
    const live = liveShow(ctx)
    const say = (step: string, text: string) => {
        live.end()
        ctx.emit(text, { bringup: step, say: text })
    }
    const ask = async (id: string, question: string): Promise<string> => {
        live.end()
        const a = await ctx.ask!(id, question)
        // the answer's Enter ended a reading shown on the prompt's line
        live.ended()
        if (a === undefined) throw new Stop("no answer (end of input)")
        if (/^q(uit)?$/i.test(a.trim())) throw new Stop("you stopped it")
        return a.trim()
    }
    /** the register read `n` times, one every READ_EVERY_MS, shown live */
    const sample = async (n: number, show: (c: WireCalibration) => string): Promise<WireCalibration[]> => {
        const out: WireCalibration[] = []
        for (let i = 0; i < n; i++) {
            const c = await pen.calibration!()
            out.push(c)
            live(show(c), c)
            if (i + 1 < n) await sleep(READ_EVERY_MS)
        }
        return out
    }
    /** asks, showing a reading live until the answer comes */
    const askLive = async (id: string, question: string, show: (c: WireCalibration) => string): Promise<string> => {
        let answered = false
        const reading = (async () => {
            while (!answered) {
                const c = await pen.calibration!()
                if (!answered) live(show(c), c)
                await sleep(READ_EVERY_MS)
            }
        })()
        try {
            return await ask(id, question)
        } finally {
            answered = true
            await reading
        }
    }
    const forceShow = (c: WireCalibration) => `force ${fixed(c.forceProfileN, 3)} N by the profile's curve (ADC ratio ${fixed(c.forceRatio, 4)})`

    const found: string[] = []
    const c: Calibration = { ...cal0.calibration }
    try {
        say("start", `bring-up of the pen at ${pen.where()}: answer each question (Enter takes the value in [brackets]; q stops, nothing is stored before the end)`)
        say("calibration", `calibration in use (${cal0.source}): ${calibrationText(cal0.calibration)}${cal0.message ? `; ${cal0.message}` : ""}`)

        // 1. the self-test, as it runs at every power-up
        const st = await selfTest(ctx, say)
        say("selftest", st.ok ? "self-test passed" : `self-test: ${st.reason} (a calibration below may be what it needs; wiring faults are not)`)

        // 2. the buttons (a fault the self-test left latched is cleared first: a latched pen does
        // not arm, and the step below would wait for it to disarm)
        await clearLatched(ctx, say)
        say("trigger", "press and release the trigger")
        await pressed(ctx, "trigger", live)
        let s = await pen.status()
        if (s.state !== "idle") {
            say("disarm", `the pen is ${s.state} now (the trigger arms it): press and release the trigger again to disarm`)
            await until(ctx, async () => (await pen.status()).state === "idle", "the pen disarmed")
        }
        say("trigger_ok", "trigger: pressed and released")
        say("area", "press and release the area button")
        await pressed(ctx, "area", live)
        s = await pen.status()
        say("area_ok", `area button: pressed and released (area now ${s.areaId})`)

        // 3. force: at rest, light, firm, a known weight
        await askLive("force_zero", "nothing on the needle face, the pen held still in free air; Enter", forceShow)
        const rest = await sample(SAMPLES, forceShow)
        const restSteady = steadyReading(rest.map((x) => x.forceProfileN), "at rest")
        if (restSteady !== "") throw new Stop(restSteady)
        const restN = mean(rest.map((x) => x.forceProfileN))
        const restRatio = mean(rest.map((x) => x.forceRatio))
        say("force_zero_ok", `at rest: ${fixed(restN, 3)} N by the profile's curve, ADC ratio ${fixed(restRatio, 4)}`)
        if (!(Math.abs(restN) <= CAL_FORCE_ZERO_MAX_N))
            throw new Stop(`the force reads ${fixed(restN, 2)} N with nothing on it: check the FSR divider (docs/HARDWARE.md, force sensor)`)
        await askLive("force_light", "press the needle face lightly with a finger (about 1 N, 100 g on a scale) and press Enter while you press", forceShow)
        const lightN = mean((await sample(3, forceShow)).map((x) => x.forceProfileN))
        await askLive("force_firm", "now press firmly (about 3 N, 300 g) and press Enter while you press", forceShow)
        const firm = await sample(3, forceShow)
        const firmN = mean(firm.map((x) => x.forceProfileN))
        say("force_press_ok", `light ${fixed(lightN, 2)} N, firm ${fixed(firmN, 2)} N by the profile's curve`)
        if (!(lightN > restN + 0.1 && firmN > lightN + 0.3))
            throw new Stop(`the force reading did not rise with the press (rest ${fixed(restN, 2)}, light ${fixed(lightN, 2)}, firm ${fixed(firmN, 2)} N): check the FSR and its divider`)
        if (mean(firm.map((x) => x.forceRatio)) > FACTORY_PROFILE.force.saturatedAboveRatio)
            throw new Stop("a firm press reads full scale: the divider saturates (docs/HARDWARE.md, force sensor divider: R_m)")
        const gramsText = await ask("weight_grams", `the mass of a known weight in grams, or what a kitchen scale reads as you press the pen onto it (near the ${FACTORY_PROFILE.force.overPressureN} N cutoff is best) [${DEFAULT_GRAMS}]`)
        const grams = gramsText === "" ? DEFAULT_GRAMS : Number(gramsText)
        // 200 g at least: a lighter weight's error is extrapolated ~2x and more to the 4.0 N cutoff
        if (!(grams >= 200 && grams <= 2000)) throw new Stop(`"${gramsText}" is not a weight of 200..2000 g (near ${Math.round(FACTORY_PROFILE.force.overPressureN / N_PER_GRAM)} g, the cutoff, is best)`)
        const weightN = grams * N_PER_GRAM
        await askLive("weight_on", `put the ${grams} g on the needle face (or press onto the scale until it reads ${grams} g) and hold it still; Enter when the reading is steady`, forceShow)
        const loaded = (await sample(SAMPLES, forceShow)).map((x) => x.forceProfileN)
        const loadSteady = steadyReading(loaded, `under the ${grams} g`)
        if (loadSteady !== "") throw new Stop(loadSteady)
        const loadedN = mean(loaded)
        await ask("weight_off", "take the weight off; Enter")
        const fc = forceCalibration(restN, loadedN, weightN)
        if (typeof fc === "string") throw new Stop(fc)
        c.forceScale = fc.scale
        c.forceZeroN = fc.zeroN
        const readsPerN = 1 / fc.scale
        const before = cutoffTrueN(FACTORY_PROFILE.force.overPressureN, cal0.calibration, restN, readsPerN)
        say("force_ok", `${grams} g = ${fixed(weightN, 3)} N read ${fixed(loadedN, 3)} N: force scale x${fixed(fc.scale, 4)} after ${fixed(fc.zeroN, 3)} N at rest (the ${FACTORY_PROFILE.force.overPressureN} N cutoff fired at about ${fixed(before, 2)} N true with the calibration in use)`)
        found.push("force")

        // 4. strokes per duty: the self-test's spin, off the skin
        await ask("spin", `the needle spins off the skin at duty ${fixed(SELFTEST_SPIN_DUTY, 2)} for a moment, ${SPINS} times (the self-test): keep the pen in free air, nothing touching the face; Enter`)
        const spins: number[] = []
        for (let i = 0; i < SPINS; i++) {
            await selfTest(ctx, say)
            spins.push((await pen.calibration()).spinHz)
        }
        const hz = hzPerDuty(spins)
        if (hz === hz) {
            c.noLoadHzPerDuty = hz
            found.push("strokes per duty")
            say("spin_ok", `spin rates ${spins.map((x) => fixed(x, 1)).join(", ")} strokes/s at duty ${fixed(SELFTEST_SPIN_DUTY, 2)}: ${fixed(hz, 1)} strokes/s per duty (the median)`)
        } else say("spin_ok", "the needle did not spin (the self-test's force check failed?): strokes per duty not measured, the one in use is kept")

        // 5. depth feedback at each end (last: a pot off by more than depth.toleranceMm at an end latches depth_not_following there)
        const deepest = areas.reduce((a, b) => (b.depthCapMm > a.depthCapMm ? b : a))
        const far = Math.min(deepest.depthCapMm, DEPTH_MAX_MM)
        const depthAt = async (mm: number, id: string): Promise<{ ratio: number; mm: number }> => {
            await clearLatched(ctx, say)
            const r = await pen.setPreset(deepest.id, Math.round(mm * 1000), deepest.working.strokeHz * 1000, deepest.working.passLimit)
            undo.presetsSet = true
            if (!r.ok) throw new Stop(`cannot move the depth: ${r.message}`)
            say(`${id}_move`, `moving the depth actuator to ${fixed(mm, 2)} mm`)
            const still = await depthStill(ctx, mm, live, say)
            const answer = await ask(id, `the needle is at its ${fixed(mm, 2)} mm end by the command (feedback reads ${fixed(still, 2)} mm); measure how far the needle tips stand out of the face and enter it in mm [${fixed(mm, 2)}]`)
            const measured = answer === "" ? mm : Number(answer)
            if (!(measured >= -0.5 && measured <= DEPTH_MAX_MM + 0.5)) throw new Stop(`"${answer}" is not a protrusion in mm`)
            const ratios = (await sample(4, (x) => `depth feedback ratio ${fixed(x.depthRatio, 4)}`)).map((x) => x.depthRatio)
            const ratio = mean(ratios)
            if (!(ratio === ratio)) throw new Stop("the depth feedback reports nothing: check the feedback pot's wiper (depthPos)")
            return { ratio, mm: measured }
        }
        if (s.areaId !== deepest.id) {
            const r = await pen.selectArea(deepest.id)
            if (!r.ok) throw new Stop(`cannot select ${deepest.id}: ${r.message}`)
        }
        const low = await depthAt(0, "depth_low_mm")
        const high = await depthAt(far, "depth_high_mm")
        const fb = feedbackCalibration(low.ratio, low.mm, high.ratio, high.mm)
        if (typeof fb === "string") throw new Stop(fb)
        c.feedbackRatioAt0Mm = fb.at0
        c.feedbackRatioPerMm = fb.perMm
        say("depth_ok", `depth feedback: ratio ${fixed(low.ratio, 4)} at ${fixed(low.mm, 2)} mm, ${fixed(high.ratio, 4)} at ${fixed(high.mm, 2)} mm: ${fixed(fb.at0, 4)} at 0 mm + ${fixed(fb.perMm, 4)}/mm`)
        found.push("depth feedback")
        await restore(ctx, undo)

        // 6. the calibration: checked as the pen will check it, stored on a yes
        say("result", `calibration found (${found.join(", ")}): ${calibrationText(c)}`)
        const why = checkLocally(FACTORY_PROFILE, c)
        if (why !== "") throw new Stop(`this calibration would be refused: ${why}`)
        const yes = ctx.yes || /^y(es)?$/i.test(await ask("store", "store it on the pen and use it? [y/N]"))
        if (!yes) return { ok: true, message: "bringup done; the calibration was not stored", data: { calibration: c, stored: false } }
        const r = await pen.setCalibration(c)
        if (!r.ok) return { ok: false, message: `the pen refused the calibration: ${r.message}`, data: { calibration: c, stored: false } }
        say("stored", `the pen: ${r.message}`)
        const after = await selfTest(ctx, say)
        say("selftest_after", after.ok ? "self-test with the calibration: passed" : `self-test with the calibration: ${after.reason}`)
        const used = await pen.calibration()
        return {
            ok: after.ok,
            message: `bringup done: calibration stored on the pen and in use (${used.source}); \`calibration export FILE\` writes it as devs.json fields`,
            data: { calibration: used.calibration, stored: true, source: used.source, selftest: after.ok ? "pass" : after.reason },
        }
    } catch (e) {
        if (!(e instanceof Stop)) throw e
        return { ok: false, message: `bringup stopped: ${e.message}; nothing was stored`, data: { calibration: c, stored: false } }
    } finally {
        await restore(ctx, undo)
    }
}

/** the presets and the area as they were before the session */
async function restore(ctx: Ctx, undo: Undo) {
    if (undo.presetsSet) {
        await ctx.pen.revert()
        undo.presetsSet = false
    }
    const s = await ctx.pen.status()
    if (s.areaId !== undo.areaId) await ctx.pen.selectArea(undo.areaId)
}

/**
 * A fault the pen latched during the session (a stalled host's tick_overrun; depth_not_following
 * from a feedback pot off by more than depth.toleranceMm, which this session calibrates): said, and
 * cleared once its condition is gone, as the builder would; else the session stops with the reason.
 */
async function clearLatched(ctx: Ctx, say: (step: string, text: string) => void) {
    const s = await ctx.pen.status()
    if (!s.fault) return
    say("fault", `the pen latched ${s.fault} (${s.reason}): clearing it`)
    const r = await ctx.pen.clearFault()
    if (!r.ok) throw new Stop(`the pen latched ${s.fault} and it does not clear: ${r.message}`)
}

/** the self-test again (a fault latched meanwhile cleared first), until its verdict: ok, or the status reason */
async function selfTest(ctx: Ctx, say: (step: string, text: string) => void): Promise<{ ok: boolean; reason: string }> {
    await clearLatched(ctx, say)
    const r = await ctx.pen.runSelfTest!()
    if (!r.ok) throw new Stop(`the self-test did not start: ${r.message}`)
    let s: WireStatus = await ctx.pen.status()
    const t0 = Date.now()
    while (s.reason.startsWith("self-test running")) {
        if (Date.now() - t0 > 10000) throw new Stop("no self-test verdict within 10 s")
        // paced by the link: a status request at most every STATUS_MIN_INTERVAL_MS (console/link.ts)
        s = await ctx.pen.status()
    }
    const failed = s.reason.startsWith("self-test failed") || s.fault !== ""
    return { ok: !failed, reason: failed ? s.reason : "" }
}

/** until the button reads pressed, then released */
async function pressed(ctx: Ctx, button: "trigger" | "area", live: LiveShow) {
    let down = false
    const t0 = Date.now()
    for (;;) {
        const c = await ctx.pen.calibration!()
        const now = button === "trigger" ? c.trigger : c.area
        live(`${button}: ${now ? "PRESSED" : "released"}`, c)
        if (now) down = true
        else if (down) return
        if (Date.now() - t0 > BRINGUP_WAIT_MS)
            throw new Stop(`no ${button} press seen in ${BRINGUP_WAIT_MS / 1000} s: check its wiring (a switch that always reads pressed fails the self-test: buttons)`)
        await sleep(BUTTON_POLL_MS)
    }
}

async function until(ctx: Ctx, cond: () => Promise<boolean>, what: string) {
    const t0 = Date.now()
    while (!(await cond())) {
        if (Date.now() - t0 > BRINGUP_WAIT_MS) throw new Stop(`waited ${BRINGUP_WAIT_MS / 1000} s for ${what}`)
        await sleep(READ_EVERY_MS)
    }
}

/**
 * Waits until the depth feedback reads near `mm` (within DEPTH_NEAR_MM) and holds still (4 status
 * reads within 0.02 mm): the reading (mm). A fault latched meanwhile (a stalled host: the pen stops
 * moving the actuator while one is latched) is said and cleared if it can be. The feedback far
 * from the command after DEPTH_WAIT_MS stops the session: a pot that far off is the calibration
 * program's (docs/HARDWARE.md).
 */
async function depthStill(ctx: Ctx, mm: number, live: LiveShow, say: (step: string, text: string) => void): Promise<number> {
    const t0 = Date.now()
    const seen: number[] = []
    for (;;) {
        const s = await ctx.pen.status()
        if (s.fault) await clearLatched(ctx, say)
        const d = s.depthActualMm
        live(`depth ${d === d ? fixed(d, 2) : "?"} mm (commanded ${fixed(mm, 2)})`, s)
        seen.push(d)
        const last = seen.slice(-4)
        if (last.length === 4 && last.every((x) => x === x && Math.abs(x - last[0]) < 0.02 && Math.abs(x - mm) <= DEPTH_NEAR_MM)) return mean(last)
        if (Date.now() - t0 > DEPTH_WAIT_MS) {
            if (d !== d) throw new Stop("the depth feedback reports no position: check the actuator and the feedback pot (docs/HARDWARE.md, bring-up)")
            throw new Stop(`the depth actuator did not reach ${fixed(mm, 2)} mm: its feedback reads ${fixed(d, 2)} mm (a pot this far off: the calibration program, docs/HARDWARE.md)`)
        }
    }
}

/** shows a reading as it comes; end() closes a reading a terminal shows on a line of its own */
interface LiveShow {
    (line: string, data?: unknown): void
    end(): void
    ended(): void
}

/** a reading shown as it comes: rewritten in place on a terminal, else at most a line a second */
function liveShow(ctx: Ctx): LiveShow {
    let lastMs = 0
    let open = false
    const show = ((line: string) => {
        if (ctx.live) {
            open = true
            return ctx.live(line)
        }
        const now = Date.now()
        if (now - lastMs < 1000) return
        lastMs = now
        ctx.emit(`  ${line}`, { live: line })
    }) as LiveShow
    show.end = () => {
        if (open) ctx.emit("")
        open = false
    }
    show.ended = () => {
        open = false
    }
    return show
}
