// Pin check for boards/*.board.json: every board against its chip's real pin capabilities
// (boards/chips.json, each fact with its datasheet / ESP-IDF source) and against the firmware's
// role table (the `new ds.X("name")` roles in drivers/hardware.ts). `devs build` catches a pin used
// twice and flash/PSRAM/USB pins; it does not catch an analog input on a pin the runtime cannot
// read, an output on an input-only pin, a strapping pin that stops the board from booting, a
// missing or misnamed role, or a fifth PWM pin (a runtime panic). This does.
//
// Usage: node tools/check-boards.mjs [file.board.json ...]   (default: boards/*.board.json)
// Prints one line per problem ("ERROR" fails the check, "WARN" does not); exit 1 on any error.
import { readdirSync, readFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..")

/**
 * The on-board service type that plays each role class. `Led` has none: DeviceScript 2.16.4 has
 * no on-board Led server (jacdac-c source/jd_srvcfg.c lists rotaryEncoder, button, switch, relay,
 * flex, analog, gamepad, accelerometer, power, lightBulb, buzzer, servo, motion, motor), so the
 * status pixel is the board's `led` block (the status light).
 */
export const SERVICE_OF_CLASS = {
    Motor: "motor",
    Servo: "servo",
    Potentiometer: "analog:potentiometer",
    RotaryEncoder: "rotaryEncoder",
    Button: "button",
    Led: null,
    // the optional `motion` role: an I2C chip found by startAccelerometer() in the board's entry,
    // not a $services entry (drivers/hardware.ts; docs/DOSE.md "The dwell rule")
    Accelerometer: "i2c",
}

/** the software quadrature decoder polls about every 0.9 ms (jacdac-c services/rotaryencoder.c) */
export const ENCODER_POLLS_PER_S = 1000
/** fastest sampling / streaming the force and stroke paths need (README: streamed every 10 ms) */
export const MAX_ANALOG_ITV_MS = 10
/**
 * The pin label of the motor stage's dead-man feed (docs/HARDWARE.md, "Needle stop when the
 * firmware stops"): an output whose rising edges retrigger the one-shot on the TB6612FNG's STBY.
 * The firmware entries feed it with `deadmanFeeder(pins.deadman)` (boards/deadman.ts).
 */
export const DEADMAN_LABEL = "deadman"

/** roles from drivers/hardware.ts: `readonly needle = new ds.Motor("needle")` */
export function readRoles(source) {
    const roles = []
    for (const m of source.matchAll(/new ds\.(\w+)\("(\w+)"\)/g)) roles.push({ cls: m[1], name: m[2] })
    return roles
}

export function loadContext(root = ROOT) {
    const chips = JSON.parse(readFileSync(join(root, "boards/chips.json"), "utf8")).chips
    const roles = readRoles(readFileSync(join(root, "drivers/hardware.ts"), "utf8"))
    const profile = JSON.parse(readFileSync(join(root, "devs.json"), "utf8"))
    return { chips, roles, profile }
}

const isComment = (k) => k.startsWith("#")

/** every pin a board drives or reads: where it is named, its GPIO, and how it is used */
function pinUses(board, errors) {
    const labels = {}
    for (const [k, v] of Object.entries(board.pins ?? {})) if (!isComment(k)) labels[k] = v
    const uses = []
    const resolve = (where, v) => {
        if (typeof v === "number") return v
        if (typeof v === "string" && typeof labels[v] === "number") return labels[v]
        errors.push(`${where}: pin "${v}" is neither a GPIO number nor a label in "pins"`)
        return undefined
    }
    const add = (where, v, use, extra = {}) => {
        if (v === undefined) return
        const gpio = resolve(where, v)
        if (gpio !== undefined) uses.push({ where, gpio, use, ...extra })
    }
    for (const [i, s] of (board.$services ?? []).entries()) {
        const at = `$services[${i}] "${s.name}" (${s.service})`
        const role = s.name
        if (s.service === "motor") {
            add(`${at}.pin1`, s.pin1, "out", { pwm: true, actuator: true, role })
            add(`${at}.pin2`, s.pin2, "out", { pwm: true, actuator: true, role })
            add(`${at}.pinEnable`, s.pinEnable, "out", { actuator: true, role })
        } else if (s.service === "servo") {
            add(`${at}.pin`, s.pin, "out", { pwm: true, actuator: true, role })
            add(`${at}.pinPower`, s.pinPower ?? s.powerPin, "out", { actuator: true, role })
        } else if (typeof s.service === "string" && s.service.startsWith("analog:")) {
            add(`${at}.pin`, s.pin, "analog", { role })
            add(`${at}.pinLow`, s.pinLow, "out", { role })
            add(`${at}.pinHigh`, s.pinHigh, "out", { role })
        } else if (s.service === "rotaryEncoder") {
            add(`${at}.pin0`, s.pin0, "in", { sensor: true, role })
            add(`${at}.pin1`, s.pin1, "in", { sensor: true, role })
        } else if (s.service === "button") {
            add(`${at}.pin`, s.pin, "in", { button: true, role })
            add(`${at}.pinBacklight`, s.pinBacklight, "out", { role })
        } else {
            for (const [k, v] of Object.entries(s)) if (k.startsWith("pin")) add(`${at}.${k}`, v, "io", { role })
        }
    }
    const led = board.led
    if (led) {
        add("led.pin", led.pin, "out", { led: true })
        add("led.pinCLK", led.pinCLK, "out", { led: true })
        for (const [i, ch] of (led.rgb ?? []).entries()) add(`led.rgb[${i}].pin`, ch.pin, "out", { led: true, pwm: !led.type })
    }
    if (board.log) add("log.pinTX", board.log.pinTX, "out")
    if (board.i2c) {
        add("i2c.pinSDA", board.i2c.pinSDA, "io")
        add("i2c.pinSCL", board.i2c.pinSCL, "io")
    }
    if (board.jacdac) add("jacdac.pin", board.jacdac.pin, "io")
    // the dead-man feed is a pin label only (the program drives it through @devicescript/gpio)
    if (labels[DEADMAN_LABEL] !== undefined || (board.pins ?? {})[DEADMAN_LABEL] !== undefined)
        add(`pins.${DEADMAN_LABEL}`, DEADMAN_LABEL, "out", { deadman: true })
    return uses
}

/** the chip's pin facts as sets, with the source of each kind for the messages */
function chipFacts(chip) {
    const set = (k) => new Set((chip[k]?.pins ?? []).map(Number))
    const keys = (k) => new Set(Object.keys(chip[k]?.pins ?? {}).map(Number))
    return {
        gpio: set("gpio"), inputOnly: set("inputOnly"), noPull: set("noInternalPull"), adc1: keys("adc1"), adc2: keys("adc2"),
        strap: chip.strapping?.pins ?? {}, downloadOnly: set("downloadBootOnly"), flash: set("flash"), psram: set("psram"), hostLink: set("hostLink"), bootTx: set("bootLogTx"), jtag: set("jtag"),
    }
}

/**
 * Checks one board. `ctx` is loadContext(); returns { errors, warnings }, each a list of messages
 * that say what is wrong, where, and why (with the source of the pin fact).
 */
export function checkBoard(board, ctx) {
    const errors = []
    const warnings = []
    const chip = ctx.chips[board.archId]
    if (!chip) {
        errors.push(`archId "${board.archId}" is not a chip in boards/chips.json (${Object.keys(ctx.chips).join(", ")})`)
        return { errors, warnings }
    }
    const f = chipFacts(chip)
    const src = (k) => chip[k]?.source ?? ""
    const uses = pinUses(board, errors)

    // --- pins against the chip
    const seen = new Map()
    for (const u of uses) {
        const g = u.gpio
        const at = `${u.where} = GPIO${g}`
        const prev = seen.get(g)
        if (prev) errors.push(`${at}: GPIO${g} is used twice (also ${prev})`)
        else seen.set(g, u.where)
        if (!f.gpio.has(g)) {
            errors.push(`${at}: the ${chip.name} has no GPIO${g} (${src("gpio")})`)
            continue
        }
        if (f.flash.has(g)) errors.push(`${at}: GPIO${g} belongs to the SPI flash (${src("flash")})`)
        if (f.psram.has(g)) errors.push(`${at}: GPIO${g} is a PSRAM pin (${src("psram")})`)
        if (f.hostLink.has(g)) errors.push(`${at}: GPIO${g} carries the USB / host link the pen is flashed and deployed over (${src("hostLink")})`)
        if ((u.use === "out" || u.use === "io") && f.inputOnly.has(g))
            errors.push(`${at}: GPIO${g} is input-only and cannot drive an output (${src("inputOnly")})`)
        if (u.use === "analog" && !f.adc1.has(g)) {
            if (f.adc2.has(g))
                errors.push(`${at}: GPIO${g} is ${chip.adc2.pins[g]}, an ADC2 channel: DeviceScript reads ADC1 only and ADC2 is unusable while Wi-Fi is on (${src("adc2")}); use one of GPIO ${[...f.adc1].join(", ")}`)
            else errors.push(`${at}: GPIO${g} is not an ADC1 pin, the analog input cannot read it (${src("adc1")}); use one of GPIO ${[...f.adc1].join(", ")}`)
        }
        if (u.button && f.noPull.has(g))
            errors.push(`${at}: GPIO${g} has no internal pull-up, which the button server relies on (${src("noInternalPull")})`)
        if (u.sensor && f.noPull.has(g))
            warnings.push(`${at}: GPIO${g} has no internal pull-up: fit external pull-ups (${src("noInternalPull")})`)
        const strap = f.strap[g]
        if (strap !== undefined) {
            const why = `GPIO${g} is a strapping pin: ${strap} (${src("strapping")})`
            if (u.use === "out" || u.use === "io") errors.push(`${at}: an output on a strapping pin: ${why}`)
            else if (u.use === "analog") errors.push(`${at}: an analog divider holds a strapping pin at reset: ${why}`)
            else if (u.sensor && f.downloadOnly.has(g))
                warnings.push(`${at}: a sensor's level at reset decides download boot only: if flashing fails, turn the cam so the sensor reads high, then retry: ${why} (${src("downloadBootOnly")})`)
            else if (u.sensor) errors.push(`${at}: a sensor's level at reset is arbitrary and decides the boot: ${why}`)
            else warnings.push(`${at}: a button held at reset changes the boot: ${why}`)
        }
        if (f.bootTx.has(g)) {
            const why = `GPIO${g} carries the ROM boot log at every reset (${src("bootLogTx")})`
            if (u.actuator) errors.push(`${at}: an actuator would move with the boot log: ${why}`)
            else if (u.deadman)
                warnings.push(`${at}: the boot log retriggers the motor dead-man at every reset, so STBY can be high until ~200 ms after the log ends; harmless while the 100 kOhm pull-downs hold PWMA and AIN1 low (no drive), and sPin.${DEADMAN_LABEL} 0 takes the pin from the UART at runtime start: ${why}`)
            else warnings.push(`${at}: ${why}; harmless for a status pixel, keep buttons and sensors off it`)
        }
        if (u.deadman && f.jtag.has(g))
            warnings.push(`${at}: GPIO${g} is a JTAG pin, pulled up or toggled at reset, so the motor dead-man may fire once at power-up (STBY high for ~200 ms while the 100 kOhm pull-downs hold PWMA and AIN1 low: no drive); do not attach a JTAG probe (${src("jtag")})`)
    }
    const pwm = uses.filter((u) => u.pwm)
    const timers = chip.ledcTimers?.count ?? Infinity
    if (pwm.length > timers)
        errors.push(`${pwm.length} PWM pins (${pwm.map((u) => u.where).join(", ")}) but ${timers} LEDC timers: the runtime panics on the next one (${src("ledcTimers")})`)

    // --- services against the role table
    const services = board.$services ?? []
    for (const r of ctx.roles) {
        const want = SERVICE_OF_CLASS[r.cls]
        if (want === undefined) {
            errors.push(`role "${r.name}" (${r.cls}): no board mapping for class ${r.cls} in tools/check-boards.mjs`)
            continue
        }
        if (want === "i2c") {
            if (!board.i2c)
                warnings.push(`role "${r.name}" (${r.cls}): the board has no I2C bus, so no accelerometer: the pen runs without dwell protection and its status says so`)
            continue
        }
        if (want === null) {
            // the status role is optional in the firmware: a board may give up the pixel (the XIAO
            // gave its pin to the motor dead-man); the status then shows on the console / display only
            if (!board.led || board.led.pin === undefined)
                warnings.push(`role "${r.name}" (${r.cls}): the board has no "led" block, so no status pixel (Led is not an on-board service type): the status shows only on the console and, where fitted, the display`)
            continue
        }
        const named = services.filter((s) => s.name === r.name)
        if (named.length === 0) {
            const near = services.find((s) => (s.name ?? "").toLowerCase() === r.name.toLowerCase())
            errors.push(`role "${r.name}" (${r.cls}) is missing: no $services entry named "${r.name}" with "service": "${want}"` + (near ? ` (found "${near.name}": names must match exactly)` : ""))
        } else if (named.length > 1) errors.push(`role "${r.name}" (${r.cls}) is declared ${named.length} times in $services`)
        else if (named[0].service !== want)
            errors.push(`role "${r.name}" (${r.cls}) is declared as "${named[0].service}"; it needs "service": "${want}"`)
    }
    const roleNames = new Set(ctx.roles.map((r) => r.name))
    for (const s of services)
        if (!roleNames.has(s.name))
            errors.push(`$services "${s.name}" (${s.service}) is not a firmware role (${[...roleNames].join(", ")}): remove it; an extra server of a role's class changes which server each role binds to`)
    // roles of one class bind in role-name order to that class's servers in start order
    for (const cls of new Set(ctx.roles.map((r) => r.cls))) {
        const want = SERVICE_OF_CLASS[cls]
        const names = ctx.roles.filter((r) => r.cls === cls).map((r) => r.name)
        if (!want || names.length < 2) continue
        const order = services.filter((s) => s.service === want && roleNames.has(s.name)).map((s) => s.name)
        const sorted = [...names].sort()
        if (order.length === sorted.length && order.join() !== sorted.join())
            errors.push(`${cls} services are in the order ${order.join(", ")}; they must be ${sorted.join(", ")}: roles of one class bind in role-name order to the servers in the order they start (jacdac-c client/rolemgr.c), so "${order[0]}" would get the "${sorted[0]}" role`)
    }

    // --- the motor stage's dead-man feed: without it nothing bounds the needle's stop when the
    // program stops (DeviceScript keeps an on-board motor's duty until it restarts the program)
    const pinLabels = board.pins ?? {}
    if (pinLabels[DEADMAN_LABEL] === undefined)
        errors.push(`pins: no "${DEADMAN_LABEL}" label: the motor stage's dead-man (a retriggerable one-shot on the TB6612FNG's STBY) needs a feed output, or nothing stops the needle within ~200 ms when the program stops (the runtime keeps the motor's last duty for the 5.24 s until it restarts the program; docs/HARDWARE.md, motor dead-man)`)
    else if ((board.sPin ?? {})[DEADMAN_LABEL] !== 0)
        errors.push(`sPin.${DEADMAN_LABEL} is ${JSON.stringify((board.sPin ?? {})[DEADMAN_LABEL])}; it must be 0: the runtime drives the feed low from start-up and at every program (re)start, so no rising edge retriggers the dead-man after a panic (with 1, the restart itself would enable the bridge under the old duty for ~200 ms; unset, the pin is left to its reset function, e.g. the UART console)`)

    // --- what each service needs
    for (const s of services) {
        const at = `$services "${s.name}" (${s.service})`
        if (s.service === "motor" && (s.pin2 === undefined || s.pinEnable === undefined))
            errors.push(`${at}: the motor driver wiring (docs/HARDWARE.md: TB6612FNG PWMA, AIN2, AIN1) needs pin1, pin2 and pinEnable`)
        if (typeof s.service === "string" && s.service.startsWith("analog:")) {
            for (const k of ["samplingItv", "streamingItv"]) {
                if (!(s[k] > 0 && s[k] <= MAX_ANALOG_ITV_MS))
                    errors.push(`${at}: ${k} is ${s[k] ?? "unset (default " + (k === "samplingItv" ? 9 : 100) + " ms)"}; the force path needs 1..${MAX_ANALOG_ITV_MS} ms`)
            }
            if (s.offset !== undefined)
                errors.push(`${at}: do not set "offset": jacdac-c services/analogsensor.c reads "scale" from the "offset" key too`)
        }
        if (s.service === "rotaryEncoder") {
            const cps = ctx.profile?.stroke?.countsPerStroke
            if (cps !== undefined && s.clicksPerTurn !== cps)
                warnings.push(`${at}: clicksPerTurn ${s.clicksPerTurn ?? "(default 12)"} differs from devs.json stroke.countsPerStroke ${cps}`)
            const top = ctx.profile?.stroke?.overspeedHz
            if (cps !== undefined && top !== undefined) {
                const edges = cps * (s.dense ? 2 : 4)
                const maxHz = ENCODER_POLLS_PER_S / edges
                if (top > maxHz)
                    warnings.push(`${at}: ${cps} counts/stroke x ${edges / cps} edges x ${top} strokes/s (overspeedHz) = ${Math.round(edges * top)} edges/s, but the on-board encoder server decodes in software at about ${ENCODER_POLLS_PER_S} polls/s, at most ~1 edge per poll (jacdac-c services/rotaryencoder.c): it loses counts above ~${Math.floor(maxHz)} strokes/s; see docs/HARDWARE.md, stroke sensor`)
            }
        }
    }
    return { errors, warnings }
}

/**
 * The firmware entry's `board.startX()` calls against the role binding: the servers of one class
 * must start in role-name order (depthPos before pressure, area before trigger), every service
 * must be started, and only once (a load-cell build starts no pressure server); the display and
 * the load cell need the board's I2C bus. `source` is boards/<id>.<kind>.ts, kind in ENTRY_KINDS.
 */
export function checkStartOrder(board, source, ctx) {
    const errors = []
    const cap = (n) => n.charAt(0).toUpperCase() + n.slice(1)
    const byStart = new Map((board.$services ?? []).map((s) => [cap(s.name ?? ""), s]))
    const started = [...source.matchAll(/board\.start(\w+)\(\)/g)].map((m) => m[1])
    // a load-cell build feeds force from the NAU7802 (drivers/loadcell.ts): no pressure server,
    // or the pressure role would bind to it and the FSR pin would be read instead
    const loadCell = source.includes("startLoadCell(")
    for (const [name, s] of byStart) {
        const n = started.filter((x) => x === name).length
        if (loadCell && s.name === "pressure") {
            if (n !== 0) errors.push(`board.start${name}() is called in a load-cell build; the "pressure" server must not start (force comes from the NAU7802)`)
        } else if (n !== 1) errors.push(`board.start${name}() is called ${n} times; the "${s.name}" server must start exactly once`)
    }
    for (const fn of ["startPenDisplay", "startLoadCell"])
        if (source.includes(`${fn}(`) && !board.i2c)
            errors.push(`${fn}() needs an I2C bus, but the board file declares no "i2c" block (pinSDA, pinSCL, kHz)`)
    // an entry that starts the motor server feeds the motor stage's dead-man after each drive write:
    // the firmware through the writer's hook, the calibration program through setDriveFeed
    if (started.includes("Needle")) {
        const feeder = `deadmanFeeder(pins.${DEADMAN_LABEL})`
        const hooked = source.includes(`onDriveWritten = ${feeder}`) || source.includes(`setDriveFeed(${feeder})`)
        if (!hooked)
            errors.push(`the entry starts the needle but does not feed the motor dead-man: set \`hardware.writer.onDriveWritten = ${feeder}\` (firmware) or call \`setDriveFeed(${feeder})\` (calibration), boards/deadman.ts; without it the bridge stays in standby and the needle cannot run`)
    }
    for (const cls of new Set(ctx.roles.map((r) => r.cls))) {
        const want = SERVICE_OF_CLASS[cls]
        const sorted = ctx.roles.filter((r) => r.cls === cls).map((r) => r.name).sort()
        if (!want || sorted.length < 2) continue
        const order = started.map((x) => byStart.get(x)).filter((s) => s && s.service === want).map((s) => s.name)
        if (order.length === sorted.length && order.join() !== sorted.join())
            errors.push(`${cls} servers start in the order ${order.join(", ")}; they must start ${sorted.join(", ")}: roles of one class bind in role-name order to the servers in start order`)
    }
    return errors
}

/** a board's entries: boards/<id>.<kind>.ts (firmware, calibration, the load-cell firmware) */
export const ENTRY_KINDS = ["main", "calibrate", "loadcell"]

export function boardFiles(root = ROOT) {
    const dir = join(root, "boards")
    return readdirSync(dir).filter((f) => f.endsWith(".board.json")).sort().map((f) => join(dir, f))
}

/** checks the files, prints one line per problem, returns the number of errors */
export function run(files, ctx = loadContext(), log = console.log) {
    let total = 0
    if (files.length === 0) {
        log("check-boards: no boards/*.board.json found")
        return 1
    }
    for (const file of files) {
        const id = basename(file).replace(/\.board\.json$/, "")
        let board
        try {
            board = JSON.parse(readFileSync(file, "utf8"))
        } catch (e) {
            log(`${id}: ERROR cannot read ${file}: ${e.message}`)
            total++
            continue
        }
        const { errors, warnings } = checkBoard(board, ctx)
        for (const kind of ENTRY_KINDS) {
            const entry = join(dirname(file), `${id}.${kind}.ts`)
            let source
            try {
                source = readFileSync(entry, "utf8")
            } catch {
                continue
            }
            for (const e of checkStartOrder(board, source, ctx)) errors.push(`${basename(entry)}: ${e}`)
        }
        for (const e of errors) log(`${id}: ERROR ${e}`)
        for (const w of warnings) log(`${id}: WARN ${w}`)
        log(`${id}: ${errors.length ? "FAIL" : "OK"} (${board.archId}, ${(board.$services ?? []).length} services, ${errors.length} errors, ${warnings.length} warnings)`)
        total += errors.length
    }
    return total
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const args = process.argv.slice(2)
    const errors = run(args.length ? args : boardFiles())
    process.exit(errors ? 1 : 0)
}
