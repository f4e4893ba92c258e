// The settings store failing under the firmware, in the loop: the VM's own settings service (jacdac-c
// services/settings.c on the fstor store, jd_fstor.c) made full from the test side, so the
// firmware's real save of a cartridge choice is dropped and does not read back. Outcomes only: this
// file runs beside other files (tools/test-all.mjs); each test has its own VM and hub.
//
// How the rig fills the store (read in source, then checked here on the file): the VM's settings
// service takes get/set/delete from any device on the bus (services/settings.c checks no sender),
// so a jacdac-ts SettingsClient on the hub's bus sets filler keys. A set that does not fit in the
// free space, even after the store's compaction, is dropped (jd_fstor.c jd_settings_set_bin: "out
// of space", -3, which settings.c ignores). A delete is a zero-length set: it needs room too, so the
// rig leaves exactly room for one delete (32 bytes), less than the cartridge record needs (40).
// (The firmware's own settings packets reach the hub too: jacdac-c tx_queue.c sends every frame to
// the bridge before jd_need_to_send filters, and the WASM build's bridge is the TCP link; but the
// VM's own service answers them before a rig could act, so the rig fills the store instead.)
import { describe, expect, test } from "vitest"
import { SettingsClient, SRV_SETTINGS } from "jacdac-ts"
import { connectLoopback } from "../../console/transports"
import { encodeCartridgeRecord } from "../../core/records"
import { FACTORY_PROFILE } from "../../src/profile.g"
import { Rig } from "../../sim/rig"
import { freshVmDir } from "../../sim/vm"
import { armed, newestSetting, settingsIndex, useRigs } from "./rigs"

const P = FACTORY_PROFILE
const { startRig } = useRigs()

/** jd_fstor.c: 24-byte index entries; values 8-byte aligned, an empty one takes 8 */
const ENTRY = 24
const aligned = (n: number) => (n === 0 ? 8 : (n + 7) & ~7)
/** what a set of an `n`-byte value takes from the free space: the value and its index entry */
const cost = (n: number) => aligned(n) + ENTRY
/** the room a delete needs (a zero-length value) */
const DELETE_COST = cost(0)

/**
 * The free space the store has after its compaction (what decides whether a set is dropped, jd_fstor.c
 * free_space and jd_fstor_gc), from the VM directory's settings flash: the index in use, its newest
 * entry per key kept, the values of the small ones (large "*" entries, the program, live outside it).
 */
function freeAfterCompaction(vmDir: string): number {
    const index = settingsIndex(vmDir)
    if (!index) throw new Error("no settings store in sim.bin")
    const sizes = new Map<string, number>()
    for (const e of index.entries) sizes.set(e.key, e.size)
    let used = 0
    for (const [key, size] of sizes) used += ENTRY + (key.startsWith("*") ? 0 : aligned(size))
    // free_space(): the data's start less the last entry's start, less two entries
    return index.region - used - 2 * ENTRY
}

/**
 * a key's value read from the test side; again when the answer was lost: the firmware's own reads
 * (its ledger's read-backs) share the service, and jacdac-ts drops an answer for another key
 * ("device returned different key")
 */
async function readBack(store: SettingsClient, key: string): Promise<Uint8Array | undefined> {
    for (let i = 0; ; i++) {
        const v = await store.getValue(key)
        if (v !== undefined || i === 2) return v
    }
}

/** new keys set from the test side until exactly `leave` bytes stay free, each read back; the keys */
async function fillStore(store: SettingsClient, vmDir: string, leave: number): Promise<string[]> {
    let rest = freeAfterCompaction(vmDir) - leave
    const keys: string[] = []
    // each set takes 32..224 bytes (a value of 8..200, well inside a packet), in steps of 8, as the free space is
    while (rest > 0) {
        const take = rest <= 224 ? rest : rest - 224 >= 32 ? 224 : rest - 32
        const key = `zfill${keys.length}`
        const value = new Uint8Array(take - ENTRY).fill(0x2e)
        await store.setValue(key, value)
        expect((await readBack(store, key))?.length, `filler ${key} stored`).toBe(value.length)
        keys.push(key)
        rest -= take
    }
    return keys
}

/** a press on the skin while the cartridge is not stored: held (the reason said), no drive, still armed; then lifted */
async function heldOnSkin(rig: Rig, link: Awaited<ReturnType<typeof connectLoopback>>, what: string) {
    const writesBefore = rig.pen.motorWrites.length
    const driven = () => rig.pen.motorWrites.slice(writesBefore).filter((w) => w.duty > 0)
    rig.pen.handForceN = 1.5
    // until the pen holds or drives, then half a second more on the skin
    await rig.pen.until(() => (rig.status?.fields.why ?? "").startsWith("cartridge not stored yet") || driven().length > 0, 5000, `the hold on the skin ${what}`)
    await rig.pen.sleepSim(500)
    expect(driven(), `drive on the skin ${what}`).toEqual([])
    expect(rig.pen.plant.strokeHz).toBeLessThan(1)
    expect((await link.status()).reason).toBe("cartridge not stored yet: select it again if this stays")
    expect(rig.state()).toBe("armed")
    rig.pen.handForceN = 0
    await rig.pen.until(() => rig.status?.fields.why === "armed: touch the skin to start needling", 3000, "the pen off the skin")
}

/**
 * armed first (arming stores the dose reservation, both copies, while the store has room), then the
 * store filled from the test side until exactly `leave` bytes stay free; the fillers' keys
 */
async function armedAndFilled(rig: Rig, dir: string, store: SettingsClient, leave: number): Promise<string[]> {
    await armed(rig)
    await rig.pen.until(() => /^"?2\|[^|]*\|[1-9]/.test(newestSetting(dir, [":lg0b"])), 5000, "the arming's reservation in both ledger copies")
    const fillers = await fillStore(store, dir, leave)
    expect(freeAfterCompaction(dir)).toBe(leave)
    return fillers
}

/** a press on the skin once the cartridge is stored: the motor driven, the pen treating; then lifted */
async function drivesOnSkin(rig: Rig) {
    const writesBefore = rig.pen.motorWrites.length
    rig.pen.handForceN = 1.5
    await rig.pen.until(() => rig.pen.motorWrites.slice(writesBefore).some((w) => w.duty > 0), 3000, "drive on the skin")
    await rig.waitState("treating")
}

describe("the settings store failing under the firmware", () => {
    test("H14 a cartridge chosen while the settings store cannot hold it starts no needling, also once the store works again; chosen again, it is stored and the needle runs", async () => {
        const dir = freshVmDir()
        const rig = await startRig(dir)
        const link = await connectLoopback(rig.hub.port)
        try {
            const store = new SettingsClient(rig.pen.bus.services({ serviceClass: SRV_SETTINGS })[0])
            const fitted = P.cartridges[P.cartridges.length - 1].id
            expect(fitted).not.toBe(P.dose.cartridge)
            // the cartridge record as writeSetting stores it (JSON text): more than the room left, so the set is dropped
            const recordCost = cost(JSON.stringify(encodeCartridgeRecord(fitted)).length)
            expect(recordCost).toBeGreaterThan(DELETE_COST)

            const fillers = await armedAndFilled(rig, dir, store, DELETE_COST)

            // the cartridge fitted, told from the console: counted with at once, but the save is dropped
            const r = await link.selectCartridge(fitted)
            expect(r.ok, r.message).toBe(false)
            expect(r.message).toContain(`but the settings store failed: cartridge record not stored: ct0 read back nothing`)
            expect((await store.getValue("ct0"))?.length ?? 0, "the store holds no cartridge record").toBe(0)
            await rig.pen.until(() => rig.status?.fields.cart === fitted, 3000, `the status counting with ${fitted}`)

            await heldOnSkin(rig, link, "while the store is full")

            // the store works again (one filler deleted: room for both copies after its compaction);
            // the choice is still not in it, so the pen still holds
            await store.deleteValue(fillers[0])
            expect((await store.getValue(fillers[0]))?.length ?? 0).toBe(0)
            expect(freeAfterCompaction(dir)).toBeGreaterThanOrEqual(2 * recordCost)
            await heldOnSkin(rig, link, "once the store works, before the cartridge is chosen again")

            // chosen again: both copies stored and read back, and the needle runs on the skin
            const again = await link.selectCartridge(fitted)
            expect(again.ok, again.message).toBe(true)
            expect(again.message).toContain("stored and read back")
            // read from the test side, and in the flash (where the firmware's settings API prefixes keys with ":"; the compactions moved the index to the other region)
            for (const key of ["ct0", "ct0b"]) {
                expect(await store.getStringValue(key), key).toBe(JSON.stringify(encodeCartridgeRecord(fitted)))
                expect(newestSetting(dir, [`:${key}`]), `${key} in the flash`).toBe(JSON.stringify(encodeCartridgeRecord(fitted)))
            }
            await drivesOnSkin(rig)
            expect(rig.status?.fields.cart).toBe(fitted)
            rig.pen.handForceN = 0
        } finally {
            await link.close()
        }
    }, 30000)

    test("H14 after a save that failed half-way the store may restore another cartridge than the one counted with: no needling until a save of the one in use reads back, even when it is the one stored before", async () => {
        const dir = freshVmDir()
        const rig = await startRig(dir)
        const link = await connectLoopback(rig.hub.port)
        try {
            const store = new SettingsClient(rig.pen.bus.services({ serviceClass: SRV_SETTINGS })[0])
            const other = P.cartridges[P.cartridges.length - 1].id
            // nothing stored: the pen counts with dose.cartridge, which is what a boot restores
            const first = P.dose.cartridge
            expect(other).not.toBe(first)
            const recordCost = cost(JSON.stringify(encodeCartridgeRecord(other)).length)
            // room for one record and one delete: a save writes its first copy, the second is dropped
            const fillers = await armedAndFilled(rig, dir, store, recordCost + DELETE_COST)

            // another cartridge chosen: its first copy lands, the second does not
            const r = await link.selectCartridge(other)
            expect(r.ok, r.message).toBe(false)
            expect(r.message).toContain("ct0b read back nothing")
            expect(newestSetting(dir, [":ct0"])).toBe(JSON.stringify(encodeCartridgeRecord(other)))
            // back to the first: the pen counts with it, as before the failed save, but its save finds
            // no room and the store's first copy, which a boot reads, still holds the other
            const back = await link.selectCartridge(first)
            expect(back.ok, back.message).toBe(false)
            await rig.pen.until(() => rig.status?.fields.cart === first, 3000, `the status counting with ${first}`)
            expect(newestSetting(dir, [":ct0"])).toBe(JSON.stringify(encodeCartridgeRecord(other)))
            await heldOnSkin(rig, link, "while the store would restore another cartridge")

            // room again: chosen again, written to both copies, and the needle runs
            await store.deleteValue(fillers[0])
            const again = await link.selectCartridge(first)
            expect(again.ok, again.message).toBe(true)
            for (const key of ["ct0", "ct0b"]) expect(newestSetting(dir, [`:${key}`]), `${key} in the flash`).toBe(JSON.stringify(encodeCartridgeRecord(first)))
            await drivesOnSkin(rig)
            rig.pen.handForceN = 0
        } finally {
            await link.close()
        }
    }, 30000)
})
