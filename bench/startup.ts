// Start-up: from launch (the simulated pen and its hub up, the VM process spawned) to the
// firmware's first STATUS line, and to the first needle drive the simulated motor receives when
// the operator arms and touches at once (arm press 120 ms + release 60 ms, contact confirmed after
// force.contactConfirmMs). Every VM a benchmark starts gives a sample; this adds dedicated starts.
import type { Profile } from "../core/profile"
import { BenchRig } from "./vmrig"
import { Row, Section, dist, fd, progress, verdict } from "./lib"

export interface StartupSample {
    bootMs: number
    /** launch -> the self-test's verdict; launch -> armed (ready) when that start armed at once (NaN otherwise) */
    selfTestMs?: number
    readyMs?: number
    /** NaN when that start did not go straight to a drive */
    driveMs: number
    note: string
}

/** set by this benchmark for the first drive; issue 14 sets it for ready (armed), self-test included (median) */
export const STARTUP_GOAL_MS = 3000

export async function startupRuns(profile: Profile, n: number, into: StartupSample[], quiet = false) {
    for (let i = 0; i < n; i++) {
        const br = new BenchRig(profile)
        try {
            await br.start()
            const s: StartupSample = { bootMs: br.bootMs, driveMs: NaN, note: "start-up run", selfTestMs: br.selfTestMs }
            await br.armAndTouch(1.5)
            s.driveMs = performance.now() - br.launchMs
            s.readyMs = br.readyMs
            into.push(s)
        } finally {
            await br.stop()
        }
    }
    progress(quiet, `start-up: ${n} dedicated starts`)
}

export function startupSection(profile: Profile, samples: StartupSample[], wallMs: number): Section {
    const boot = dist(samples.map((s) => s.bootMs).filter((x) => !Number.isNaN(x)))
    const drive = dist(samples.map((s) => s.driveMs).filter((x) => !Number.isNaN(x)))
    const ready = dist(samples.map((s) => s.readyMs ?? NaN).filter((x) => !Number.isNaN(x)))
    const verdict1 = dist(samples.map((s) => s.selfTestMs ?? NaN).filter((x) => !Number.isNaN(x)))
    const rows: Row[] = [
        {
            id: "startup.ready",
            what: "Start-up: launch → ready (armed), the power-on self-test included, simulator + VM",
            figure: fd(ready, "ms", 0),
            goal: `median ≤ ${STARTUP_GOAL_MS} ms (issue 14)`,
            verdict: verdict(ready.n > 0 && ready.median <= STARTUP_GOAL_MS),
            values: { n: ready.n, median: ready.median, p99: ready.p99, max: ready.max },
        },
        {
            id: "startup.selftest",
            what: "… of which launch → the self-test's verdict",
            figure: fd(verdict1, "ms", 0),
            goal: "–",
            verdict: "n/a",
            values: { n: verdict1.n, median: verdict1.median, p99: verdict1.p99, max: verdict1.max },
        },
        {
            id: "startup.drive",
            what: "Start-up: launch → first needle drive (arm and touch at once), simulator + VM",
            figure: fd(drive, "ms", 0),
            goal: `≤ ${STARTUP_GOAL_MS} ms (set by this bench; the issue names none)`,
            verdict: verdict(drive.n > 0 && drive.max <= STARTUP_GOAL_MS),
            values: { n: drive.n, median: drive.median, p99: drive.p99, max: drive.max },
        },
        {
            id: "startup.boot",
            what: "… of which launch → the firmware's first STATUS line",
            figure: fd(boot, "ms", 0),
            goal: "–",
            verdict: "n/a",
            values: { n: boot.n, median: boot.median, p99: boot.p99, max: boot.max },
        },
    ]
    const notes = [
        `Samples: every VM this run started (${samples.length}); the launch → drive figure only from starts that armed and ` +
            `touched at once (${drive.n}). Launch = the simulated pen, its loopback hub and the VM process (node loading the ` +
            `DeviceScript CLI, ~28 MB) start; the VM deploys the bytecode, binds its roles, restores the ledger and prints its ` +
            `first STATUS line; then the operator's arm press (120 ms held, 60 ms after) and a touch at 1.5 N ` +
            `(contact confirmed after ${profile.force.contactConfirmMs} ms, drive writes paced at ${profile.control.driveWriteMs} ms).`,
    ]
    return { title: "Start-up (simulator)", rows, notes, wallMs }
}
