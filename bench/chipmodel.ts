// The chip model (issue 15): how much longer the same VM work takes on the pen's chip than in the
// WASM VM on this host. One factor per chip, as a range:
//
//   F = (CoreMark of one host core / CoreMark of the chip) / wasmSlowdown × chipDerate
//
// - CoreMark of the chips, one core (the VM is single-threaded): Espressif datasheets.
//   ESP32-C3 Series Datasheet (v2.0), "CPU and Memory": 407.22 CoreMark at 160 MHz (2.55 CoreMark/MHz);
//   Espressif's own coremark component example on an ESP32-C3 prints 409.25 (code in IRAM, GCC 12, -O3).
//   ESP32 Series Datasheet (v4.x), "CPU and Memory": 1 core at 240 MHz 504.85 CoreMark (2.10 CoreMark/MHz);
//   ochrin/coremark measures 494.6 on one ESP32 core at 240 MHz.
// - CoreMark of the host, one core: EEMBC CoreMark (github.com/eembc/coremark, built outside the
//   repository: gcc -O2, 1 thread), per machine the bench has run on, picked by the CPU's name
//   (the VM figures scale with the host, so the factor must be this host's):
//   AMD EPYC (Zen 3, family 25 model 1): 18365 iterations/s at load 2.6 (the least loaded of the
//   runs on 2026-12-02 morning; others sharing the 2 cores pulled later runs down to 4157); upper
//   bound for an unloaded core (Zen 3 boosts to ~3.5 GHz): 30000.
//   Intel Xeon ("Intel(R) Xeon(R) Processor", 2 vCPU): 34169 and 34280 at load 0.3 (2026-12-02
//   noon, `coremark.exe 0x0 0x0 0x66 0 7 1 2000`, linux port); upper bound 36000.
//   Another host: the span of both, and the notes say it was not measured.
// - wasmSlowdown: the same C compiled to WebAssembly and run by V8 against native code. Jangda et
//   al., "Not So Fast: Analyzing the Performance of WebAssembly vs. Native Code", USENIX ATC 2019:
//   1.45–1.55× mean on SPEC CPU, up to ~2.5×; small kernels 1.1×. Range 1.1–2.0. (A CoreMark native
//   vs wasm32-wasi comparison on this host was tried; under the load of the day it did not resolve.)
// - chipDerate: CoreMark runs from IRAM; the DeviceScript runtime runs from flash through the
//   cache and reads bytecode from flash: 1.0–1.5.
//
// The upper end of F (the goal's "upper end of the range") takes the fast host, the small wasm
// penalty and the full derate; the lower end the opposite.

import { cpus } from "node:os"

export interface ChipFactor {
    chip: string
    mhz: number
    coremark: number
    source: string
    low: number
    high: number
}

const HOSTS = [
    { cpu: /AMD EPYC/, low: 18365, high: 30000, source: "EEMBC CoreMark, gcc -O2, 1 thread, measured on this host type (AMD EPYC Zen 3) 2026-12-02; high end: unloaded allowance" },
    { cpu: /Intel\(R\) Xeon\(R\) Processor$/, low: 34169, high: 36000, source: "EEMBC CoreMark, gcc -O2, 1 thread, measured on this host type (Intel Xeon, 2 vCPU) 2026-12-02 at load 0.3; high end: allowance" },
]

function hostCoremark(cpu: string): { low: number; high: number; source: string } {
    for (const h of HOSTS) if (h.cpu.test(cpu)) return h
    return { low: 18365, high: 36000, source: `this host (${cpu}) was not measured: the span of the hosts that were (AMD EPYC, Intel Xeon)` }
}

export const HOST_COREMARK = hostCoremark((cpus()[0]?.model ?? "unknown").trim())
export const WASM_SLOWDOWN = { low: 1.1, high: 2.0, source: "Jangda et al., USENIX ATC 2019 (Not So Fast: WebAssembly vs native)" }
export const CHIP_DERATE = { low: 1.0, high: 1.5, source: "flash-cached code and bytecode vs CoreMark in IRAM (assumed)" }

function factor(chip: string, mhz: number, coremark: number, source: string): ChipFactor {
    const low = (HOST_COREMARK.low / coremark / WASM_SLOWDOWN.high) * CHIP_DERATE.low
    const high = (HOST_COREMARK.high / coremark / WASM_SLOWDOWN.low) * CHIP_DERATE.high
    return { chip, mhz, coremark, source, low, high }
}

export const CHIPS: ChipFactor[] = [
    factor("ESP32-C3", 160, 407.22, "Espressif ESP32-C3 Series Datasheet v2.0: 407.22 CoreMark, 1 core at 160 MHz"),
    factor("ESP32", 240, 504.85, "Espressif ESP32 Series Datasheet v4.x: 504.85 CoreMark, 1 core at 240 MHz"),
]

/** an I2C display page on the board: 128 data bytes + 6 command bytes at 400 kHz, synchronous (drivers/oled.ts) */
export const I2C_PAGE_MS = 3.5
