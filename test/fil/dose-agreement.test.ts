// The true dose, two ways (issue 13): one clinical technique played by the closed loop
// (sim/closedloop.ts, the core on a virtual clock) and by the firmware bytecode in the DeviceScript
// VM against the plant in real time (sim/scenario-vm.ts), each filling the area's true density map
// from its own plant's real strokes on the skin (sim/skin-dose.ts). The two maps must agree: the
// same strokes, the same density, in the same places, and the dose judge must read both alike.
//
// The scenario: the periorbital area (40 x 24 mm, 100 strokes/s, 2 passes) treated clinically in
// horizontal then vertical rows, sliding over on the skin between rows, a lift between the two
// directions (sim/plant/technique-clinical.ts, seed 5: 36.7 s of plant time, ~40 s of wall time).
// Sliding (rowLiftChance 0) keeps it to two contact episodes: the dose does not count lifts
// (a lift starts no pass), but every needle start and stop is an edge the VM may take late, and
// two episodes keep the tolerance below tight (lifts between rows are played in the closed loop,
// test/sim/doseScenarios.test.ts, and in the VM by npm start's short treatment).
//
// The tolerance comes from the VM's real-time jitter. The needle starts and stops on 4 edges (two
// contact episodes); the firmware may be late on each by up to control.overrunAfterMs (100 ms)
// without latching tick_overrun: 4 x 100 ms x 100 strokes/s = 40 strokes, 1.25 % of the ~3,190.
// The rate loop reads jittered stroke reports in the VM; 0.75 % more for that makes TOTAL_TOL 2 %.
// The cell-by-cell difference gets the same 2 % (SPATIAL_TOL): a late edge leaves strokes out at
// the spot where the pen is, it does not move them (hand and path run on the one plant clock), and
// a rate a little off shows cell by cell up to its share. Measured (4 runs, host load 0.2 to 12):
// the VM 0.25-0.47 % under the closed loop, the cell-by-cell difference 0.45-0.52 % of the total,
// the centroids at most 0.02 mm apart. The VM's technique clock 300 ms ahead of its hand (positions
// 3-6 mm along the rows) makes a 2.7 % cell-by-cell difference (played in the closed loop), 1 s
// ahead 6.4 %.
// Both runs put the handpiece accelerometer on the bus (VmScenarioOptions.accelerometer), fed by
// the same path and the plant's real stroke rate: the dwell rule runs alongside the dose, and a
// glide through the whole technique must not be stopped by it (a stop holds the needle until a
// lift, and the sliding rows after it would go untreated: the maps would differ).
// One allowance, as in agreement.test.ts: a tick_overrun, or a force_stale (the simulated pen's
// force reports are late by more than force.staleAfterMs, 100 ms, when Node's event loop stalls),
// that only the VM raised is a host stall (the closed loop raises none); the scenario is played
// once more and must then agree.
import { afterEach, beforeAll, describe, expect, test } from "vitest"
import { existsSync } from "node:fs"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { runClosedLoop } from "../../sim/closedloop"
import { doseFindings, doseRunOfVm } from "../../sim/judge-dose"
import { compareOutcomes, outcomeOfClosedLoop } from "../../sim/outcome"
import { AREA_SIZES } from "../../sim/plant/areas"
import { SIM_CARTRIDGE } from "../../sim/plant/dose"
import type { SkinMap } from "../../sim/plant/skin"
import { clinicalTechnique } from "../../sim/plant/technique"
import { recordOfVmRun } from "../../sim/report/record"
import { skinPanels, skinText } from "../../sim/report/skin"
import { Rig } from "../../sim/rig"
import { Scenario, ScenarioBuilder } from "../../sim/scenario"
import { VmScenarioResult, runScenarioInVm } from "../../sim/scenario-vm"
import { BYTECODE } from "../../sim/vm"

const P = FACTORY_PROFILE
const AREA = "periorbital"
const TOTAL_TOL = 0.02
const SPATIAL_TOL = TOTAL_TOL
const rigs: Rig[] = []
/** what a stalled host machine looks like to the firmware in the VM */
const HOST_STALL_FAULTS = ["tick_overrun", "force_stale"]

beforeAll(() => {
    if (!existsSync(BYTECODE)) throw new Error("firmware not built: run `npm run build` (npm test does it)")
})

let sampler: ReturnType<typeof setInterval> | undefined
function stopSampler() {
    if (sampler) clearInterval(sampler)
    sampler = undefined
}

afterEach(async () => {
    stopSampler()
    while (rigs.length) await rigs.pop()!.stop()
})

function clinicalPeriorbital(): Scenario {
    const seed = 5
    const size = AREA_SIZES[AREA]
    const tech = clinicalTechnique({
        widthMm: size.widthMm, heightMm: size.heightMm, radiusXMm: size.radiusXMm, radiusYMm: size.radiusYMm, footprintMm: SIM_CARTRIDGE.footprint.diameterMm, seed,
        directions: ["horizontal", "vertical"], rowLiftChance: 0,
    })
    const b = new ScenarioBuilder("dose agreement: clinical periorbital, sliding between rows", seed)
    b.command({ kind: "select_area", areaId: AREA }).press("trigger", 120, "arm").wait(500)
    b.technique(AREA, tech, "horizontal then vertical rows, sliding between rows")
    // the accelerometer on the bus in both runners: the dwell rule runs alongside the dose
    return b.build({ faults: [] }, 1000, true)
}

/** sum over the cells of |a - b| (punctures) */
function cellDifference(a: SkinMap, b: SkinMap): number {
    let d = 0
    for (let i = 0; i < a.counts.length; i++) d += Math.abs(a.counts[i] - b.counts[i])
    return d
}

/** the map's centre of mass (mm) */
function centroid(m: SkinMap): [number, number] {
    let sx = 0
    let sy = 0
    let n = 0
    for (let i = 0; i < m.counts.length; i++) {
        sx += m.counts[i] * ((i % m.cols) + 0.5) * m.cellMm
        sy += m.counts[i] * (Math.floor(i / m.cols) + 0.5) * m.cellMm
        n += m.counts[i]
    }
    return [sx / n, sy / n]
}

describe("the true dose: closed loop and firmware in the VM", () => {
    test("one clinical technique fills the same true density map in both runs", async () => {
        const s = clinicalPeriorbital()
        const cl = runClosedLoop(P, s, { traceEveryMs: 0 })
        const closed = cl.skin![AREA]
        // the reference is a real treatment: the whole area, thousands of strokes
        expect(closed.strokesOnSkin).toBeGreaterThan(2500)
        expect(closed.coverage).toBeGreaterThan(0.95)

        // the accelerometer's reading as the VM run goes
        let accel: { g: number[] }[] = []
        const play = () => {
            accel = []
            stopSampler()
            return runScenarioInVm(P, s, {
                sampleEveryMs: 0,
                accelerometer: true,
                onRig: (rig) => {
                    rigs.push(rig)
                    sampler = setInterval(() => {
                        if (rig.pen?.accel) accel.push({ g: [...(rig.pen.accel.reading.values() as number[])] })
                    }, 20)
                },
            })
        }
        let vm: VmScenarioResult = await play()
        const stall = vm.outcome.faults.find((f) => HOST_STALL_FAULTS.includes(f))
        if (stall) {
            console.log(`the VM raised ${stall} (a host stall); played again`)
            vm = await play()
        }
        stopSampler()
        expect(vm.outcome.faults, "the firmware treated without a fault (a host stall shows as tick_overrun or force_stale, played twice, or drive_mismatch)").toEqual([])
        expect(vm.skin, "the VM run returns a true density map").toBeDefined()
        const inVm = vm.skin![AREA]
        const [cx, cy] = centroid(closed.map)
        const [vx, vy] = centroid(inVm.map)
        const diff = cellDifference(closed.map, inVm.map)
        const rel = (inVm.punctures - closed.punctures) / closed.punctures
        console.log(
            `${s.name} (${(s.durationMs / 1000).toFixed(1)} s): strokes on the skin closed loop ${closed.strokesOnSkin}, VM ${inVm.strokesOnSkin} ` +
                `(${(100 * rel).toFixed(2)} %); mean ${closed.meanPerCm2.toFixed(0)} / ${inVm.meanPerCm2.toFixed(0)} per cm²; ` +
                `cell-by-cell difference ${((100 * diff) / closed.punctures).toFixed(2)} % of the total; centroid (${cx.toFixed(2)}, ${cy.toFixed(2)}) / ` +
                `(${vx.toFixed(2)}, ${vy.toFixed(2)}) mm; densest cm² ${closed.worst.perCm2.toFixed(0)} / ${inVm.worst.perCm2.toFixed(0)}; ` +
                `VM wall ${(vm.wallMs / 1000).toFixed(1)} s`,
        )
        // not empty: the VM's plant really treated the skin, the cartridge's needles per stroke
        expect(inVm.strokesOnSkin).toBeGreaterThan(2500)
        expect(inVm.punctures).toBe(SIM_CARTRIDGE.needles * inVm.strokesOnSkin)
        expect(inVm.coverage).toBeGreaterThan(0.95)
        // the same dose
        expect(Math.abs(rel), "total punctures").toBeLessThanOrEqual(TOTAL_TOL)
        expect(Math.abs(inVm.meanPerCm2 - closed.meanPerCm2) / closed.meanPerCm2, "mean density").toBeLessThanOrEqual(TOTAL_TOL)
        // in the same places
        expect(diff / closed.punctures, "cell-by-cell difference, share of the total").toBeLessThanOrEqual(SPATIAL_TOL)
        expect(Math.hypot(vx - cx, vy - cy), "centroid distance (mm)").toBeLessThan(0.5)
        // over time too: the dose series sampled on the same scenario clock
        expect(Math.abs(inVm.seriesMs.length - closed.seriesMs.length)).toBeLessThanOrEqual(1)
        // the firmware did what the core did: the same passes, no fault, the same end
        expect(compareOutcomes(outcomeOfClosedLoop(P, cl), vm.outcome, ["passes", "faults", "finalState"])).toEqual([])
        // and the dose judge reads both alike
        expect(doseFindings(P, doseRunOfVm(vm))).toEqual(doseFindings(P, cl))

        // the session report (npm run sim -- <scenario> --vm) shows the VM's map as it does the closed loop's
        const rec = recordOfVmRun(P, s, vm, { accelerometer: true })
        // the firmware's passes as its ledger line printed them (2 decimals): the limit, 2
        expect(rec.skin?.areas.map((a) => [a.areaId, a.meanPerCm2, Math.round(a.firmwarePasses * 100) / 100])).toEqual([[AREA, inVm.meanPerCm2, 2]])
        expect(skinPanels(rec.skin).length).toBe(1)
        expect(skinText(rec.skin!).join("\n")).toMatch(/^periorbital: the firmware counted 2\.00\/2 passes = an estimate of \d+\/cm²; the skin's true mean is \d+\/cm²/)

        // the accelerometer was on the bus and live: its reading moved with the hand and the motor
        // (what it reads is sim/plant/imu.ts's, tested in test/sim/accelDevice.test.ts and imu.test.ts),
        // about 1 g of gravity in all
        const distinct = new Set(accel.map((a) => a.g.join(","))).size
        const meanG = accel.reduce((sum, a) => sum + Math.hypot(a.g[0], a.g[1], a.g[2]), 0) / accel.length
        console.log(`accelerometer: ${accel.length} readings, ${distinct} distinct, mean |g| ${meanG.toFixed(3)}`)
        expect(distinct).toBeGreaterThan(accel.length / 2)
        expect(Math.abs(meanG - 1)).toBeLessThan(0.05)
    }, 150000)
})
