// The settings store as drivers/persist.ts sees it: @devicescript/settings and the DeviceScript
// clock. Store facts (docs): keys of at most 13 characters, values over ~230 bytes crash the VM,
// a full store fails silently (the read returns the default), values carry no checksum and numbers
// keep ~6 digits. So records are short integer strings with a version and a checksum
// (core/records.ts), every write is read back, and the policy lives in persist.ts.
import * as ds from "@devicescript/core"
import { readSetting, writeSetting } from "@devicescript/settings"
import { KeyValueStore, PersistClock } from "./persist"

export const settingsStore: KeyValueStore = {
    read: async (key: string) => {
        const s = await readSetting(key, "")
        return typeof s === "string" ? s : ""
    },
    write: async (key: string, value: string) => {
        await writeSetting(key, value)
    },
}

export const dsClock: PersistClock = {
    nowMs: () => ds.millis(),
    sleep: async (ms: number) => {
        await ds.sleep(ms)
    },
}
