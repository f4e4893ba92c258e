// Simulator run 2 for a scenario: the same scenario object (sim/scenario.ts) that the closed loop
// plays on a virtual clock, played in real time on the Rig (the firmware bytecode in the
// DeviceScript VM against the plant as Jacdac devices). The outcome is read from what the firmware
// printed (EVENT and LEDGER lines) in the shape of the closed loop's (sim/outcome.ts), so the two
// can be compared.
//
//   const r = await runScenarioInVm(profile, scenario)
//   compareOutcomes(outcomeOfClosedLoop(profile, runClosedLoop(profile, scenario)), r.outcome)
//
// How each action reaches the VM:
//   hand, press, fault, unplug   SimPen.playHand / press / fault / unplug at the step's plant time
//   technique                    SimPen.playTechnique: the step's hand script as the force, the
//                                path into the accelerometer (option `accelerometer`) and the VM
//                                plant's real strokes on the skin into the area's true density map
//                                (sim/skin-dose.ts SkinDose, as the closed loop): result.skin
//   command toggle_arm           a trigger press; next_area: an area press; clear_fault: a trigger
//                                hold of control.clearHoldMs + 200 ms
//   command select_area          area presses until the firmware's status shows the area (or
//                                the firmware refuses the change)
//   command set_preset           through the console service (console/link.ts over the hub's
//           new_session          loopback port), as `npm run console` sends them; a refusal
//                                (the pen's own check) is noted, as the closed loop's would be
// Steps are scheduled on the plant's clock (SimPen.plant.nowMs). A command played as presses takes
// longer than the closed loop's instant command; when it runs past the next step, every later step
// moves by the overrun (`lagMs`), so the steps after it keep their spacing.
import { PenLink } from "../console/link"
import { connectLoopback } from "../console/transports"
import { ratioToForceN } from "../drivers/force"
import { parseEventLine } from "../core/events"
import type { Profile } from "../core/profile"
import type { EventData, FaultCode, PenCommand } from "../core/types"
import { ScenarioOutcome, SessionEvent, SessionRow, emptyCounts } from "./outcome"
import type { ImuParams } from "./plant/imu"
import { Rig } from "./rig"
import { lockedAreas } from "./judge"
import { DEFAULT_PRESS_MS, Scenario, checkScenario } from "./scenario"
import { AreaSkinResult, SkinDose } from "./skin-dose"

export interface VmScenarioOptions {
    /** VM working directory (its settings flash); a fresh one if not given */
    vmDir?: string
    /** every line the firmware prints */
    onLine?: (line: string) => void
    /** called with the rig as soon as it exists, so a test can stop it in afterEach */
    onRig?: (rig: Rig) => void
    /** sample the plant and the firmware's status every this many ms of wall time; 0 = no rows. Default 10 */
    sampleEveryMs?: number
    /** how long to wait for the firmware's stored ledger to catch up after the end (ms); default 6000 */
    ledgerTimeoutMs?: number
    /**
     * put the handpiece accelerometer on the bus (SimPenOptions.accelerometer: an Accelerometer
     * server fed by sim/plant/imu.ts from the technique's path, the plant's stroke rate and
     * contact); default off, the bus as the firmware has always seen it
     */
    accelerometer?: boolean
    /** the accelerometer chip's settings (sim/plant/imu.ts DEFAULT_IMU) */
    imu?: Partial<ImuParams>
}

export interface VmScenarioResult {
    outcome: ScenarioOutcome
    rows: SessionRow[]
    events: SessionEvent[]
    /**
     * each area's pass limit in force, from the operator's side: the preset, then every set_preset
     * the console saw accepted (a ledger line that states another limit is said in notes)
     */
    passLimits: Record<string, number>
    /** how far presses played for console commands pushed the later steps (plant ms) */
    lagMs: number
    /** the firmware printed its ledger after its last pass or too-hard press (the counts are final) */
    ledgerSettled: boolean
    /** per area the last dose (passes, printed to 2 decimals) the firmware's needling_end and area_locked events said: a cross-check of the ledger */
    passesFromEvents: Record<string, number>
    /** what happened on the way that a reader should know (refused area changes, ...) */
    notes: string[]
    wallMs: number
    /**
     * per area a technique played on: the true density map filled from the VM plant's real strokes
     * (sim/skin-dose.ts, as ClosedLoopResult.skin; series times in ms since the scenario started);
     * absent without one
     */
    skin?: Record<string, AreaSkinResult>
}

/** "a/b" -> [a, b] as numbers */
function pair(s: string | undefined, unit = ""): [number, number] {
    if (!s) return [NaN, NaN]
    const [a, b] = s.replace(unit, "").split("/")
    return [parseFloat(a), parseFloat(b)]
}

export async function runScenarioInVm(profile: Profile, scenario: Scenario, opts: VmScenarioOptions = {}): Promise<VmScenarioResult> {
    const why = checkScenario(scenario)
    if (why !== "") throw new Error(why)
    const wall0 = performance.now()

    const events: SessionEvent[] = []
    /** the same events with their fields (core/events.ts reads them back from the lines) */
    const data: EventData[] = []
    const rows: SessionRow[] = []
    const notes: string[] = []
    let t0 = NaN
    let seq = 0
    let lastChangeSeq = -1
    let lastLedgerSeq = -1
    const clock = () => rig.pen.plant.nowMs - t0
    // the true dose, only once a technique step plays
    let dose: SkinDose | undefined
    const rig: Rig = new Rig(profile, {
        seed: scenario.seed,
        vmDir: opts.vmDir,
        accelerometer: opts.accelerometer ?? scenario.accelerometer ?? false,
        ...(opts.imu ? { imu: opts.imu } : {}),
        onLine: (line) => {
            seq++
            const e = parseEventLine(line)
            if (e) {
                if (e.kind === "needling_start" || e.kind === "needling_end" || e.kind === "area_locked" || e.kind === "over_pressure") lastChangeSeq = seq
                events.push({ ...e, tMs: t0 === t0 ? clock() : -1 })
                data.push(e)
            } else if (line.startsWith("LEDGER ")) lastLedgerSeq = seq
            opts.onLine?.(line)
        },
    })
    opts.onRig?.(rig)
    const pen = () => rig.pen

    let sampler: ReturnType<typeof setInterval> | undefined
    let link: PenLink | undefined
    try {
        await rig.start()
        // the bus is up: the firmware reads the depth actuator back
        await pen().until(() => !(rig.status?.fields.depth ?? "?").includes("?"), 10000, "the firmware to read the depth actuator")

        t0 = pen().plant.nowMs
        const curve = profile.force.curve
        const sample = () => {
            const p = pen().plant
            const f = rig.status?.fields ?? {}
            const [setHz, measHz] = pair(f.rate, "Hz")
            const [depthTarget] = pair(f.depth, "mm")
            const [used] = pair(f.pass)
            const reports = pen().forceReports
            const last = reports.length > 0 ? reports[reports.length - 1] : undefined
            rows.push({
                tMs: p.nowMs - t0,
                forceTrueN: p.forceTrueN,
                forceMeasN: last ? ratioToForceN(curve, last.ratio) : 0,
                setHz: f.state === "treating" ? setHz : 0,
                measHz: measHz === measHz ? measHz : 0,
                trueHz: p.strokeHz,
                duty: pen().duty(),
                depthTargetMm: depthTarget,
                depthActualMm: p.depthActualMm,
                state: f.state ?? "",
                area: f.area ?? "",
                passes: used === used ? used : 0,
            })
        }
        const every = opts.sampleEveryMs ?? 10
        if (every > 0) {
            sample()
            sampler = setInterval(sample, every)
        }

        const pending: Promise<unknown>[] = []
        const press = (button: "trigger" | "area", holdMs: number) => pen().press(button, holdMs)

        const selectArea = async (areaId: string) => {
            const idx = profile.areas.findIndex((a) => a.id === areaId)
            if (idx < 0) {
                notes.push(`select_area ${areaId}: unknown area, not played`)
                return
            }
            for (let i = 0; i < profile.areas.length && rig.status?.fields.area !== areaId; i++) {
                const before = rig.status?.fields.area
                const nEvents = events.length
                await press("area", DEFAULT_PRESS_MS)
                await pen().until(
                    () => rig.status?.fields.area !== before || events.slice(nEvents).some((e) => e.kind === "refused"),
                    3000,
                    `the firmware to change area from ${before}`
                )
                if (rig.status?.fields.area === before) {
                    notes.push(`select_area ${areaId}: the firmware refused the area button on ${before}`)
                    return
                }
            }
        }

        // each area's pass limit in force: the preset, then what the console set and the firmware accepted
        const passLimits: Record<string, number> = {}
        for (const a of profile.areas) passLimits[a.id] = a.preset.passLimit
        // the console, opened on the first command that needs it
        const openConsole = async () => {
            if (!link) link = await connectLoopback(rig.hub.port)
            return link
        }
        const consoleResult = (what: string, r: { ok: boolean; message: string }) => {
            if (!r.ok) notes.push(`${what}: refused by the firmware: ${r.message}`)
            return r.ok
        }
        const playCommand = async (c: PenCommand) => {
            if (c.kind === "set_preset") {
                const l = await openConsole()
                if (consoleResult(`set_preset ${c.areaId}`, await l.setPreset(c.areaId, Math.round(c.depthMm * 1000), Math.round(c.strokeHz * 1000), c.passLimit)))
                    passLimits[c.areaId] = c.passLimit
            } else if (c.kind === "new_session") consoleResult("new_session", await (await openConsole()).newSession())
            else if (c.kind === "toggle_arm") await press("trigger", DEFAULT_PRESS_MS)
            else if (c.kind === "next_area") await press("area", DEFAULT_PRESS_MS)
            else if (c.kind === "clear_fault") await press("trigger", profile.control.clearHoldMs + 200)
            else if (c.kind === "select_area") await selectArea(c.areaId)
        }

        let lag = 0
        const steps = scenario.steps
        for (let i = 0; i < steps.length; i++) {
            const st = steps[i]
            const at = st.atMs + lag
            await pen().until(() => clock() >= at, Math.max(0, at - clock()) * 20 + 10000, `plant time ${at} ms`)
            if (st.unplug) pen().unplug(st.unplug.role, st.unplug.off)
            if (st.fault) pen().fault(st.fault.name, st.fault.on)
            if (st.command) {
                const started = clock()
                await playCommand(st.command)
                const used = clock() - started
                const budget = (i + 1 < steps.length ? steps[i + 1].atMs : scenario.durationMs) - st.atMs
                if (used > budget) lag += used - budget
            }
            if (st.press) pending.push(press(st.press, st.holdMs ?? DEFAULT_PRESS_MS))
            // each resolves when its script ends or another replaces it; its own wait may time
            // out on a long script, which does not concern us
            if (st.technique) {
                if (!dose) dose = new SkinDose()
                const skin = { dose, areaId: st.technique.areaId, originMs: t0 }
                pen().playTechnique(st.technique.tech, { seed: scenario.seed, hand: st.hand, skin }).catch((): void => undefined)
            } else if (st.hand) pen().playHand(st.hand, scenario.seed).catch((): void => undefined)
        }
        const end = scenario.durationMs + lag
        await pen().until(() => clock() >= end, Math.max(0, end - clock()) * 20 + 10000, `the end of ${scenario.name}`)
        dose?.stop()
        await Promise.all(pending)
        if (sampler) clearInterval(sampler)
        sampler = undefined

        // the stored ledger is printed at most ~2 s after its last change: wait for that print
        let ledgerSettled = true
        if (lastChangeSeq >= 0) {
            try {
                await pen().until(() => lastLedgerSeq > lastChangeSeq, opts.ledgerTimeoutMs ?? 6000, "the firmware's ledger line")
            } catch {
                ledgerSettled = false
                notes.push("the firmware printed no ledger after its last pass or too-hard press: counts may be stale")
            }
        }

        const passes = emptyCounts(profile)
        const overPressure = emptyCounts(profile)
        for (const a of profile.areas) {
            const l = rig.ledger.get(a.id)
            if (!l) continue
            const [used, limit] = pair(l.passes)
            // the punctures, when printed, give the dose to more than the line's 2 decimals
            const punctures = parseFloat(l.punctures)
            const perPass = a.areaCm2 * a.passDensityPerCm2
            passes[a.id] = punctures === punctures && perPass > 0 ? punctures / perPass : used
            if (limit === limit && limit !== passLimits[a.id]) notes.push(`${a.id}: the firmware's ledger states a limit of ${limit} passes, the console set ${passLimits[a.id]}`)
            overPressure[a.id] = parseInt(l.overpressure, 10)
        }
        const passesFromEvents = emptyCounts(profile)
        for (const e of data)
            if ((e.kind === "needling_end" || e.kind === "area_locked") && e.areaId !== undefined && e.areaId in passesFromEvents)
                passesFromEvents[e.areaId] = e.pass!
        for (const a of profile.areas)
            if (Math.abs(passesFromEvents[a.id] - passes[a.id]) > 0.01)
                notes.push(`${a.id}: ${passes[a.id].toFixed(3)} passes in the ledger, ${passesFromEvents[a.id]} in the last needling_end/area_locked event`)

        const outcome: ScenarioOutcome = {
            passes,
            locked: lockedAreas(data),
            overPressure,
            overPressureCutoffs: events.filter((e) => e.kind === "over_pressure").length,
            riseCutoffs: events.filter((e) => e.kind === "rise_cutoff").length,
            faults: data.filter((e) => e.kind === "fault").map((e) => e.fault as FaultCode),
            finalState: rig.state(),
        }
        const skin = dose ? dose.result() : undefined
        return {
            outcome, rows, events, passLimits, lagMs: lag, ledgerSettled, passesFromEvents, notes, wallMs: performance.now() - wall0,
            ...(skin ? { skin } : {}),
        }
    } finally {
        if (sampler) clearInterval(sampler)
        if (link) await link.close()
        await rig.stop()
    }
}
