// vitest setup file: a test file's scratch directories (sim/scratch.ts: VM working directories,
// console scripts) go when the file ends. vitest's workers end without running exit handlers.
import { afterAll } from "vitest"
import { removeScratchDirs } from "../../sim/scratch"

afterAll(() => {
    removeScratchDirs()
})
