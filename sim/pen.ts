// `npm run pen`: a simulated pen that keeps running, for the console (`npm run console`) to attach
// to: the firmware in the DeviceScript VM, the simulated hardware with an idle hand, and the
// Jacdac hub on a fixed loopback port. The VM's settings flash lives in one folder (default
// out/pen-vm), so saved presets and the pass ledger survive `restart` and the next `npm run pen`.
//
//   npm run pen -- [--port N] [--vm-dir DIR] [--fresh] [--force-gain G]
//
// --force-gain G: the simulated FSR reads G times the true force (1.2: 20 % high), for a
// commissioning (`npm run console -- bringup`) to correct.
// Typed commands (stdin): restart (power-cycle the firmware), trigger, area (press a button),
// touch [N] (the hand presses with N newtons, default 1.5), lift, quit.
import { existsSync, mkdirSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"
import readline from "node:readline"
import { DEFAULT_HUB_PORT } from "../console/transports"
import { FACTORY_PROFILE } from "../src/profile.g"
import { Rig } from "./rig"
import { ROOT } from "./vm"

function usage(why: string): never {
    console.error(`error: ${why}\nusage: npm run pen -- [--port N] [--vm-dir DIR] [--fresh] [--force-gain G]`)
    process.exit(2)
}

let port = DEFAULT_HUB_PORT
let vmDir = join(ROOT, "out/pen-vm")
let fresh = false
let forceGain = 1
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--port") {
        port = Number(argv[++i])
        if (!(port > 0 && port < 65536)) usage("--port needs a port number")
    } else if (a === "--vm-dir") {
        if (!argv[i + 1]) usage("--vm-dir needs a folder")
        vmDir = resolve(argv[++i])
    } else if (a === "--fresh") fresh = true
    else if (a === "--force-gain") {
        forceGain = Number(argv[++i])
        if (!(forceGain > 0.1 && forceGain < 10)) usage("--force-gain needs a factor, e.g. 1.2 (the FSR reads 20 % high)")
    }
    else usage(`unknown option ${a}`)
}

if (fresh) rmSync(join(vmDir, ".devicescript/flash"), { recursive: true, force: true })
mkdirSync(join(vmDir, ".devicescript"), { recursive: true })
const stored = existsSync(join(vmDir, ".devicescript/flash/sim.bin")) ? "kept from the last run" : "new"

const t0 = performance.now()
const clock = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s`
const rig = new Rig(FACTORY_PROFILE, {
    vmDir,
    hubPort: port,
    force: { partGain: forceGain },
    onLine: (line) => {
        if (line.startsWith("EVENT ") || line.startsWith("BOOT ")) console.log(`${clock()}  firmware: ${line}`)
    },
})

let stopping = false
async function stop(code: number) {
    if (stopping) return
    stopping = true
    await rig.stop()
    process.exit(code)
}
process.on("SIGINT", () => void stop(0))
process.on("SIGTERM", () => void stop(0))

async function main() {
    try {
        await rig.start()
    } catch (e) {
        const err = e as NodeJS.ErrnoException
        if (err.code === "EADDRINUSE") usage(`port ${port} on 127.0.0.1 is in use: is another \`npm run pen\` running? (or give --port)`)
        throw e
    }
    console.log(
        [
            `${clock()}  simulated pen running: firmware in the DeviceScript VM, hub on 127.0.0.1:${rig.hub.port}`,
            `         settings flash (${stored}): ${vmDir}`,
            `         connect from another terminal:  npm run console${port === DEFAULT_HUB_PORT ? "" : ` -- --port ${port}`}`,
            `         type here: restart (power-cycle the firmware), trigger, area, touch [N], lift, quit`,
            ...(forceGain !== 1 ? [`         the simulated FSR reads ${forceGain} x the true force (--force-gain): commission it with \`npm run console -- bringup\``] : []),
        ].join("\n")
    )
    const rl = readline.createInterface({ input: process.stdin, terminal: false })
    rl.on("line", async (l) => {
        const [cmd, arg] = l.trim().split(/\s+/)
        try {
            if (cmd === "restart") {
                console.log(`${clock()}  restarting the firmware (same settings flash) ...`)
                await rig.reboot()
                console.log(`${clock()}  firmware up again`)
            } else if (cmd === "trigger" || cmd === "area") await rig.pen.press(cmd)
            else if (cmd === "touch") rig.pen.handForceN = arg ? Number(arg) : 1.5
            else if (cmd === "lift") rig.pen.handForceN = 0
            else if (cmd === "quit" || cmd === "exit") await stop(0)
            else if (cmd) console.log("commands: restart, trigger, area, touch [N], lift, quit")
        } catch (e) {
            console.log(`${clock()}  ${(e as Error).message}`)
        }
    })
}

main().catch(async (e) => {
    console.error(`the simulated pen stopped: ${e instanceof Error ? e.message : e}`)
    await rig.stop()
    process.exit(1)
})
