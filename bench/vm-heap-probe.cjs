// Preloaded into the DeviceScript VM process by the heap benchmark only (bench/heap.ts, through
// NODE_OPTIONS=--require): reads the VM's garbage-collected heap from outside the firmware.
//
// DeviceScript 2.16.4 has no heap-statistics API for programs (microsoft/devicescript,
// runtime/devicescript/gc_alloc.c: devs_dump_heap() prints "N B used, N B free" only on an
// out-of-memory panic). The heap is one chunk of JD_GC_KB (64) KB inside the WASM linear memory:
//   chunk  [next u32][end u32][blocks ...][FINAL header at `end`: tag 0x4F << 24 | 1]
//   block  header u32 = tag << 24 | size in 4-byte words; tag & 0xF == 1: free
// This probe captures the WASM memory (wrapping WebAssembly.instantiate), finds that chunk by its
// shape (a walk from start must land exactly on `end`) and walks the blocks: bytes in live blocks
// (objects not yet collected included), bytes free, objects, largest free block.
//   every PEN_HEAP_PROBE_MS ms       HEAPPROBE kind=walk t=<ms> used=... free=... objs=... maxfree=...
//   on SIGUSR2                       the VM's own GC-stress mode (jd_em_devs_enable_gc_stress: a full
//                                    collection before every allocation) for PEN_HEAP_LIVE_MS, then a
//                                    walk: kind=live, what survives a full collection (the live set)
// It only reads memory and toggles that runtime flag; the firmware is not changed.
const FINAL = 0x4f000001
const every = Number(process.env.PEN_HEAP_PROBE_MS || 0)
const liveMs = Number(process.env.PEN_HEAP_LIVE_MS || 40)
let exp
const instantiate = WebAssembly.instantiate
WebAssembly.instantiate = function (...args) {
    return instantiate.apply(this, args).then((r) => {
        const e = (r && r.instance ? r.instance : r).exports
        if (e && e.memory && e.jd_em_init) exp = e
        return r
    })
}

let chunk = -1

function walkAt(u32, c) {
    const end = u32[(c >> 2) + 1]
    let p = c + 8
    let used = 0
    let free = 0
    let objs = 0
    let maxfree = 0
    for (;;) {
        if (p > end || p >> 2 >= u32.length) return undefined
        const h = u32[p >> 2]
        if (p === end) return h === FINAL ? { size: end - c + 4, used, free, objs, maxfree } : undefined
        const size = (h & 0xffffff) * 4
        if (size === 0 || (h >>> 24) === 0) return undefined
        if (((h >>> 24) & 0xf) === 1) {
            free += size
            if (size > maxfree) maxfree = size
        } else used += size
        objs++
        p += size
    }
}

function find(u32) {
    for (let i = 0; i + 1 < u32.length; i++) {
        if (u32[i] !== 0) continue
        const end = u32[i + 1]
        const c = i * 4
        if (end <= c + 4096 || end > c + (1 << 20) || (end & 3) !== 0 || u32[end >> 2] !== FINAL) continue
        if (walkAt(u32, c)) return c
    }
    return -1
}

function sample(kind) {
    if (!exp) return
    const u32 = new Uint32Array(exp.memory.buffer)
    let w = chunk >= 0 ? walkAt(u32, chunk) : undefined
    if (!w) {
        chunk = find(u32)
        w = chunk >= 0 ? walkAt(u32, chunk) : undefined
    }
    const t = performance.now().toFixed(1)
    if (!w) process.stdout.write(`HEAPPROBE kind=${kind} t=${t} found=0\n`)
    else process.stdout.write(`HEAPPROBE kind=${kind} t=${t} size=${w.size} used=${w.used} free=${w.free} objs=${w.objs} maxfree=${w.maxfree}\n`)
}

if (every > 0) setInterval(() => sample("walk"), every).unref()
process.on("SIGUSR2", () => {
    if (!exp || !exp.jd_em_devs_enable_gc_stress) {
        process.stdout.write(`HEAPPROBE kind=live found=0 nostress=1\n`)
        return
    }
    const t0 = performance.now()
    exp.jd_em_devs_enable_gc_stress(1)
    setTimeout(() => {
        sample(`live stress=${(performance.now() - t0).toFixed(1)}`)
        exp.jd_em_devs_enable_gc_stress(0)
    }, liveMs)
})
