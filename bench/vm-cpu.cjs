// Preloaded into the DeviceScript VM process (NODE_OPTIONS=--require) by the timing bench
// (bench/cpu.ts) and by the stress mode (bench/stress.ts). It sees the VM's CPU from outside the
// firmware: the VM is one C interpreter compiled to WebAssembly, and all of its work happens
// inside calls from JavaScript into a few WASM exports (jd_em_process: timers, fibers, the
// program; jd_em_frame_received / jd_em_tcpsock_on_event: frames in; jd_em_devs_deploy). This
// wraps those exports (the CLI looks each one up in the exports object at every call):
//
//   CPU time   the wall time spent inside them, summed (µs): the VM's busy time, idle excluded.
//              A firmware log line starting "CPUMARK " (through the em_print_dmesg import) is
//              answered on stdout with "CPUTIME <cpu µs so far> <busy µs so far> <the line>"
//              (cpu: the process's CPU time inside those calls, which a busy machine does not
//              stretch; busy: wall time inside them; host I/O excluded from both), so a
//              program can bracket the work it wants measured (bench/vm/timing.ts).
//              Every PEN_CPU_REPORT_MS (if set): "CPUBUSY cpu=<µs> busy=<µs> burn=<µs> wall=<µs>",
//              running totals since the process started (burn: time spun by the stress mode), so a
//              reader takes the VM's CPU share over any window from two lines; then per wrapped
//              export "<name>=<calls>/<cpu µs>" (process: timers and fibers; frame_received: frames in).
//   stress     PEN_CPU_FACTOR = F > 1: after each call, spin (F - 1) x the call's own time, so
//              every piece of VM work takes F times as long, as on a chip F times slower than
//              this host (bench/chipmodel.ts). PEN_CPU_BLOCKS = "period:ms,period:ms": also spin
//              `ms` every `period` ms inside the VM's process (work that the simulator does not
//              have but a board does: an I2C display page, a motion-filter sample), so the VM is
//              held up as a synchronous native call holds it up on the board.
//              PEN_CPU_FROM = "BOOT ": the stress starts with the first log line containing it
//              (so a firmware boots at host speed and is judged from there on).
//   GC         a line "CPUMARK gcstress 1|0" switches the VM's GC-stress mode (a full collection
//              before every allocation: jd_em_devs_enable_gc_stress), so a program can time a
//              collection at the heap it has.
//   tier-up  V8 first runs WebAssembly through its baseline compiler (Liftoff) and optimises hot
//              functions later, so the first seconds of a VM run slower than the rest. The chip
//              model compares with optimised code, so this preload turns Liftoff off (every
//              function optimised before it first runs) unless PEN_CPU_LIFTOFF=1.
// The firmware is not changed; without this preload nothing here runs.
if (process.env.PEN_CPU_LIFTOFF !== "1") require("node:v8").setFlagsFromString("--no-liftoff")
const factor = Math.max(1, Number(process.env.PEN_CPU_FACTOR || 1))
/** the stress starts with the first log line that starts with this (e.g. "BOOT "): boot is not what is judged */
const stressFrom = String(process.env.PEN_CPU_FROM || "")
let stressOn = stressFrom === ""
const reportMs = Number(process.env.PEN_CPU_REPORT_MS || 0)
const blocks = String(process.env.PEN_CPU_BLOCKS || "")
    .split(",")
    .map((s) => s.split(":").map(Number))
    .filter((a) => a.length === 2 && a[0] > 0 && a[1] > 0)
const WRAP = ["jd_em_process", "jd_em_frame_received", "jd_em_tcpsock_on_event", "jd_em_devs_deploy"]

const now = () => performance.now()
/** CPU time of this process (ms): unlike wall time, not stretched when other processes share the cores */
const cpu = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
}
let cpuMs = 0
let cpuStart = 0
let busyMs = 0
let burnMs = 0
let depth = 0
let callStart = 0
let exp = null
/** per wrapped export: calls and CPU ms (what the CPUBUSY line breaks the total into) */
const perExport = {}
const t0 = now()

function spin(ms) {
    const end = now() + ms
    while (now() < end) {}
}

function cpuNow() {
    return cpuMs + (depth > 0 ? cpu() - cpuStart : 0)
}

function busyNow() {
    return busyMs + (depth > 0 ? now() - callStart : 0)
}

function wrap(name, f) {
    return function (...args) {
        if (depth > 0) return f.apply(this, args) // nested (a frame sent back in): already counted
        depth = 1
        callStart = now()
        cpuStart = cpu()
        try {
            return f.apply(this, args)
        } finally {
            const took = now() - callStart
            const tookCpu = Math.min(took, cpu() - cpuStart)
            busyMs += took
            cpuMs += tookCpu
            const pe = perExport[name] || (perExport[name] = { n: 0, cpu: 0 })
            pe.n++
            pe.cpu += tookCpu
            depth = 0
            if (factor > 1 && stressOn) {
                const extra = tookCpu * (factor - 1)
                spin(extra)
                burnMs += extra
            }
        }
    }
}

/** a host I/O call made by the VM (a log line printed, a frame sent): its time is not the VM's */
function hostIo(f, ...args) {
    const a = now()
    const c = depth > 0 ? cpu() : 0
    try {
        return f(...args)
    } finally {
        if (depth > 0) {
            callStart += now() - a
            cpuStart += cpu() - c
        }
    }
}

function utf8At(mem, ptr) {
    const u8 = new Uint8Array(mem.buffer)
    let end = ptr
    while (end < u8.length && u8[end] !== 0 && end - ptr < 1024) end++
    return Buffer.from(u8.subarray(ptr, end)).toString("utf8")
}

const instantiate = WebAssembly.instantiate
WebAssembly.instantiate = function (bin, imports, ...rest) {
    let memRef = null
    if (imports && imports.env && typeof imports.env.em_print_dmesg === "function") {
        const print = imports.env.em_print_dmesg
        imports = { ...imports, env: { ...imports.env } }
        // the whole print, marks included, is host I/O (on a board: a copy into the log buffer)
        imports.env.em_print_dmesg = (ptr) => hostIo(printLine, ptr)
        const printLine = (ptr) => {
            if (memRef) {
                const s = utf8At(memRef, ptr)
                if (!stressOn && s.includes(stressFrom)) {
                    stressOn = true
                    startBlocks()
                }
                const i = s.indexOf("CPUMARK ")
                if (i >= 0) {
                    const line = s.slice(i).trim()
                    if (line.startsWith("CPUMARK gcstress ") && exp && exp.jd_em_devs_enable_gc_stress)
                        exp.jd_em_devs_enable_gc_stress(line.endsWith(" 1") ? 1 : 0)
                    process.stdout.write(`CPUTIME ${Math.round(cpuNow() * 1000)} ${Math.round(busyNow() * 1000)} ${line}\n`)
                }
            }
            return print(ptr)
        }
        // frames out: the host's socket write is not the VM's work (on a board: a copy into the TX queue)
        for (const k of ["em_send_frame", "em_send_large_frame"]) {
            const f = imports.env[k]
            if (typeof f === "function") imports.env[k] = (...a) => hostIo(f, ...a)
        }
    }
    return instantiate.call(this, bin, imports, ...rest).then((r) => {
        const inst = r && r.instance ? r.instance : r
        const e = inst && inst.exports
        if (!e || !e.jd_em_process) return r
        exp = e
        memRef = e.memory
        const wrapped = {}
        for (const k of Object.keys(e)) wrapped[k] = WRAP.includes(k) ? wrap(k, e[k]) : e[k]
        const instance = { exports: wrapped }
        start()
        return r && r.instance ? { module: r.module, instance } : instance
    })
}

function start() {
    if (reportMs > 0)
        setInterval(() => {
            process.stdout.write(`CPUBUSY cpu=${Math.round(cpuNow() * 1000)} busy=${Math.round(busyNow() * 1000)} burn=${Math.round(burnMs * 1000)} wall=${Math.round((now() - t0) * 1000)}` +
                    Object.keys(perExport).map((k) => ` ${k.replace("jd_em_", "")}=${perExport[k].n}/${Math.round(perExport[k].cpu * 1000)}`).join("") + "\n")
        }, reportMs).unref()
    if (stressOn) startBlocks()
}

function startBlocks() {
    for (const [period, ms] of blocks)
        setInterval(() => {
            spin(ms)
            burnMs += ms
        }, period).unref()
}
