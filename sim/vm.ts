// Runs the firmware bytecode in the DeviceScript VM (the CLI's WASM build) as a child process,
// pointed at our hub. Each VM gets its own working directory, so its settings flash is its own.
import { ChildProcess, spawn } from "node:child_process"
import { mkdirSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { scratchDir } from "./scratch"

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..")
export const BYTECODE = join(ROOT, ".devicescript/bin/bytecode.devs")
const CLI = join(ROOT, "node_modules/@devicescript/cli/built/devicescript-cli.cjs")
const PRELOAD = join(ROOT, "sim/vm-port.cjs")

const live = new Set<ChildProcess>()
let hooked = false
function killAll() {
    for (const p of live) p.kill("SIGKILL")
}

export interface VmOptions {
    port: number
    bytecode?: string
    /** working directory (holds .devicescript/flash/sim.bin); a fresh temp dir if not given */
    cwd?: string
    onLine?: (line: string) => void
}

export interface Vm {
    proc: ChildProcess
    cwd: string
    /** every line the VM printed, ANSI colours and the "WASM> " prefix removed */
    lines: string[]
    stop(): Promise<void>
}

export function freshVmDir(): string {
    const d = scratchDir("pen-vm-")
    mkdirSync(join(d, ".devicescript"), { recursive: true })
    return d
}

export function startVm(o: VmOptions): Vm {
    if (!hooked) {
        hooked = true
        process.on("exit", killAll)
        for (const sig of ["SIGINT", "SIGTERM"] as const)
            process.on(sig, () => {
                killAll()
                process.exit(130)
            })
    }
    const cwd = o.cwd ?? freshVmDir()
    const proc = spawn(process.execPath, ["-r", PRELOAD, CLI, "run", o.bytecode ?? BYTECODE, "--tcp"], {
        cwd,
        env: { ...process.env, PEN_HUB_PORT: String(o.port), NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
    })
    live.add(proc)
    const lines: string[] = []
    // one buffer per stream: a chunk of stderr that arrives while stdout holds half a line must
    // not splice into it (a STATUS line cut that way lost its fields under load)
    const lineReader = () => {
        let buf = ""
        return (d: Buffer) => {
            buf += d.toString()
            let i: number
            while ((i = buf.indexOf("\n")) >= 0) {
                const line = buf
                    .slice(0, i)
                    .replace(/\x1b\[[0-9;]*m/g, "")
                    .replace(/^WASM> /, "")
                buf = buf.slice(i + 1)
                lines.push(line)
                o.onLine?.(line)
            }
        }
    }
    proc.stdout!.on("data", lineReader())
    proc.stderr!.on("data", lineReader())
    const exited = new Promise<void>((r) => proc.once("exit", () => r()))
    proc.once("exit", () => live.delete(proc))
    return {
        proc,
        cwd,
        lines,
        stop: async () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL")
            await exited
        },
    }
}
