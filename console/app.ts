// The console program: options, connection, and the three ways to give it commands:
// interactive (a terminal: history, Tab completion), a file (--file), or stdin / the command
// line (scripts). --json prints one JSON object per command: {"command","ok","message","data"}.
// Exit status: 0 every command succeeded, 1 a command was refused or failed, 2 no connection or
// bad options.
import { existsSync, readFileSync, writeFileSync, appendFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import readline from "node:readline"
import { Writable } from "node:stream"
import { parseArgs as parseCli } from "node:util"
import { COMMANDS, Ctx, Output, SETTINGS, execute, words } from "./commands"
import { LinkError, LinkOptions, PenApi } from "./link"
import {
    DEFAULT_HUB_PORT, SERIAL_BAUD, SerialPortClass, connectLoopback, connectSerial, isLikelyBoard, listSerialPorts, loadSerialPort,
} from "./transports"

export const USAGE = `pen console: the microneedling pen's presets, state, cartridge and dose ledger, over Jacdac

usage: npm run console -- [options] [COMMAND ...]

  (no option)        connect to the simulated pen (npm run pen) on 127.0.0.1:${DEFAULT_HUB_PORT}
  --port N           the simulator's hub port (loopback only)
  --serial [PORT]    connect to a board over USB serial (${SERIAL_BAUD} baud); no PORT: list the ports
  --json             one JSON object per command: {"command","ok","message","data"}
  --file FILE        run the commands in FILE, one per line (# starts a comment)
  --yes              answer yes to confirmations (new-session, bringup's store)
  --wait SECONDS     how long to wait for the pen to answer (default 10)
  -h, --help         this text

With COMMAND, runs that one command; with --file, the file; else, from a terminal, an
interactive prompt (history, Tab completion), or else one command per line from stdin.
Commands: ${COMMANDS.map((c) => c.name).join(", ")} (help COMMAND for details).`

export interface ConsoleIO {
    stdin: NodeJS.ReadableStream
    stdout: Writable
    stderr: Writable
    /** stdin and stdout are a terminal: interactive prompt, live watch line */
    interactive: boolean
}

export interface ConsoleDeps {
    /** the SerialPort class (the tests pass serialport's SerialPortMock) */
    SerialPort?: SerialPortClass
    /** an already connected pen (tests) */
    pen?: PenApi
    link?: LinkOptions
    /** where interactive history is kept ("" for none) */
    historyFile?: string
}

interface Options {
    port: number
    serial: boolean
    serialPath: string
    json: boolean
    file: string
    yes: boolean
    waitS: number
    help: boolean
    command: string[]
}

/** the command-line options, for node:util's parseArgs; the values are checked below */
const CLI_OPTIONS = {
    port: { type: "string" },
    serial: { type: "boolean" },
    json: { type: "boolean" },
    file: { type: "string" },
    yes: { type: "boolean", short: "y" },
    wait: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const

/** what each option that takes a value needs, for the message when it is missing */
const NEEDS: Record<string, string> = { port: "a port number", file: "a file name", wait: "seconds" }

/**
 * Options first, then the command: the first word that is neither an option nor an option's value
 * starts the command, and everything from there on is the command's (`set cheeks depth -0.5`,
 * `new-session --yes`). `--serial` takes the word after it as the port unless it is a command.
 */
export function parseArgs(argv: string[]): Options | string {
    const o: Options = { port: DEFAULT_HUB_PORT, serial: false, serialPath: "", json: false, file: "", yes: false, waitS: 10, help: false, command: [] }
    const { tokens } = parseCli({ args: argv, options: CLI_OPTIONS, strict: false, allowPositionals: true, tokens: true })
    let commandAt = argv.length
    let serialAt = -1
    for (const t of tokens) {
        if (t.kind === "option-terminator") {
            commandAt = t.index + 1
            break
        }
        if (t.kind === "positional") {
            if (serialAt >= 0 && t.index === serialAt + 1 && !t.value.startsWith("-") && !COMMANDS.some((c) => c.name === t.value)) {
                o.serialPath = t.value
                continue
            }
            commandAt = t.index
            break
        }
        const known = Object.hasOwn(CLI_OPTIONS, t.name) ? CLI_OPTIONS[t.name as keyof typeof CLI_OPTIONS] : undefined
        if (!known || (known.type === "boolean" && t.value !== undefined)) return `unknown option ${argv[t.index]}`
        if (known.type === "string" && t.value === undefined) return `${t.rawName} needs ${NEEDS[t.name]}`
        const v = t.value ?? ""
        if (t.name === "port") {
            const n = Number(v)
            if (!/^\d+$/.test(v) || n < 1 || n > 65535) return `--port ${v}: give a TCP port number 1..65535`
            o.port = n
        } else if (t.name === "serial") {
            o.serial = true
            serialAt = t.index
        } else if (t.name === "json") o.json = true
        else if (t.name === "yes") o.yes = true
        else if (t.name === "file") o.file = v
        else if (t.name === "wait") {
            const n = Number(v)
            if (!(n > 0)) return `--wait ${v}: give a number of seconds`
            o.waitS = n
        } else o.help = true
    }
    o.command = argv.slice(commandAt)
    return o
}

function printer(io: ConsoleIO, json: boolean) {
    return {
        result(command: string, r: Output) {
            if (json) io.stdout.write(JSON.stringify({ command, ok: r.ok, message: r.message, data: r.data ?? null }) + "\n")
            else if (r.message !== "") io.stdout.write((r.ok ? r.message : `refused: ${r.message}`) + "\n")
        },
        error(message: string) {
            if (json) io.stdout.write(JSON.stringify({ command: null, ok: false, message, data: null }) + "\n")
            else io.stderr.write(`error: ${message}\n`)
        },
    }
}

async function connect(o: Options, io: ConsoleIO, deps: ConsoleDeps): Promise<PenApi | string> {
    const link: LinkOptions = { findMs: o.waitS * 1000, ...deps.link }
    if (deps.pen) return deps.pen
    try {
        if (!o.serial) return await connectLoopback(o.port, link)
        const SP = deps.SerialPort ?? (await loadSerialPort())
        if (o.serialPath === "") {
            const { ports, error } = await listSerialPorts(SP)
            if (error) return error
            if (ports.length === 0) return "no serial ports found: plug the board in (a data cable, not a charge-only one), then try again"
            const lines = ports.map((p) => {
                const id = p.vendorId ? `${p.vendorId}:${p.productId ?? ""}` : "?"
                return `  ${p.path.padEnd(22)} ${id.padEnd(10)} ${p.manufacturer ?? ""}${isLikelyBoard(p) ? "   <- likely an ESP32 board" : ""}`
            })
            return `serial ports:\n${lines.join("\n")}\nchoose one: npm run console -- --serial PORT`
        }
        if (!deps.SerialPort && process.platform !== "win32" && o.serialPath.startsWith("/dev/") && !existsSync(o.serialPath))
            return `serial port ${o.serialPath} does not exist: is the board plugged in? (npm run console -- --serial lists the ports)`
        return await connectSerial(o.serialPath, SP, link)
    } catch (e) {
        if (e instanceof LinkError) return e.message
        throw e
    }
}

/** a command line without its comment ("" for none) */
function commandLine(l: string): string {
    return l.replace(/(^|\s)#.*$/, "").trim()
}

function readLines(text: string): string[] {
    return text
        .split(/\r?\n/)
        .map(commandLine)
        .filter((l) => l !== "")
}

/**
 * Lines of input as they come, on demand: the commands of a script on stdin, and the answers a
 * command asks for (bringup) from the lines after it, so a script can act before it answers.
 */
export class LineSource {
    private lines: string[] = []
    private waiting: ((l: string | undefined) => void)[] = []
    private ended = false

    constructor(input: NodeJS.ReadableStream) {
        const rl = readline.createInterface({ input, terminal: false })
        rl.on("line", (l) => {
            const w = this.waiting.shift()
            if (w) w(l)
            else this.lines.push(l)
        })
        rl.on("close", () => {
            this.ended = true
            for (const w of this.waiting.splice(0)) w(undefined)
        })
    }

    /** the next line; undefined once the input has ended */
    next(): Promise<string | undefined> {
        if (this.lines.length) return Promise.resolve(this.lines.shift())
        if (this.ended) return Promise.resolve(undefined)
        return new Promise((r) => this.waiting.push(r))
    }
}

function completer(areaIds: string[], cartridgeIds: string[]) {
    return (line: string): [string[], string] => {
        const w = words(line)
        const ends = /\s$/.test(line)
        const cur = ends ? "" : (w.pop() ?? "")
        let pool: string[]
        if (w.length === 0) pool = COMMANDS.map((c) => c.name)
        else if (w[0] === "set") pool = w.length === 1 ? areaIds : w.length % 2 === 0 ? SETTINGS : []
        else if (w[0] === "select" && w.length === 1) pool = areaIds
        else if (w[0] === "cartridge" && w.length === 1) pool = cartridgeIds
        else if (w[0] === "help" && w.length === 1) pool = COMMANDS.map((c) => c.name)
        else if (w[0] === "new-session") pool = ["--yes"]
        else if (w[0] === "calibration" && w.length === 1) pool = ["export", "clear"]
        else pool = []
        return [pool.filter((p) => p.startsWith(cur)), cur]
    }
}

/** runs the console; resolves to the exit status */
export async function runConsole(argv: string[], ioIn: Partial<ConsoleIO> = {}, deps: ConsoleDeps = {}): Promise<number> {
    const io: ConsoleIO = {
        stdin: ioIn.stdin ?? process.stdin,
        stdout: ioIn.stdout ?? process.stdout,
        stderr: ioIn.stderr ?? process.stderr,
        interactive: ioIn.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true),
    }
    const parsed = parseArgs(argv)
    if (typeof parsed === "string") {
        io.stderr.write(`error: ${parsed}\n\n${USAGE}\n`)
        return 2
    }
    const o = parsed
    if (o.help) {
        io.stdout.write(USAGE + "\n")
        return 0
    }
    const out = printer(io, o.json)
    // jacdac-ts reports its transport's progress on console.debug (stdout): not ours to print
    const debug = console.debug
    console.debug = () => {}
    let pen: PenApi | undefined
    try {
        const got = await connect(o, io, deps)
        if (typeof got === "string") {
            out.error(got)
            return 2
        }
        pen = got
        const ctx: Ctx = {
            pen,
            json: o.json,
            yes: o.yes,
            emit: (line, data) => (o.json ? io.stdout.write(JSON.stringify(data) + "\n") : io.stdout.write(line + "\n")),
            readFile: (p) => readFileSync(p, "utf8"),
            writeFile: (p, t) => writeFileSync(p, t),
        }
        // questions (bringup) read the next line of stdin: after the command in a stream, or the
        // only input with a command or --file; a terminal has its own prompt (interactive below)
        let source: LineSource | undefined
        const lines = () => (source ??= new LineSource(io.stdin))
        ctx.ask = async (id, question) => {
            io.stdout.write(o.json ? JSON.stringify({ ask: id, question }) + "\n" : `? ${question}\n`)
            return await lines().next()
        }
        if (io.interactive && !o.json)
            ctx.live = (line) => {
                readline.clearLine(io.stdout, 0)
                readline.cursorTo(io.stdout, 0)
                io.stdout.write(line.length > 200 ? line.slice(0, 197) + "..." : line)
            }
        if (o.command.length) return await runScript([o.command.map((w) => (/\s/.test(w) ? `"${w}"` : w)).join(" ")], ctx, out)
        if (o.file) {
            let text: string
            try {
                text = readFileSync(o.file, "utf8")
            } catch (e) {
                out.error(`cannot read ${o.file}: ${(e as Error).message}`)
                return 2
            }
            return await runScript(readLines(text), ctx, out)
        }
        if (io.interactive && !o.json) return await interactive(ctx, io, out, deps)
        return await runStream(ctx, lines(), out)
    } catch (e) {
        out.error(e instanceof LinkError ? e.message : `${(e as Error).message}`)
        return 2
    } finally {
        await pen?.close()
        console.debug = debug
    }
}

async function runScript(lines: string[], ctx: Ctx, out: ReturnType<typeof printer>): Promise<number> {
    let failed = false
    for (const line of lines) {
        const w = words(line)
        if (w[0] === "quit" || w[0] === "exit") break
        const r = await execute(line, ctx)
        out.result(line, r)
        if (!r.ok) failed = true
    }
    return failed ? 1 : 0
}

/** commands from stdin, one at a time as they come (a command's questions take the lines after it) */
async function runStream(ctx: Ctx, lines: LineSource, out: ReturnType<typeof printer>): Promise<number> {
    let failed = false
    for (;;) {
        const raw = await lines.next()
        if (raw === undefined) break
        const line = commandLine(raw)
        if (line === "") continue
        const w = words(line)
        if (w[0] === "quit" || w[0] === "exit") break
        const r = await execute(line, ctx)
        out.result(line, r)
        if (!r.ok) failed = true
    }
    return failed ? 1 : 0
}

async function interactive(ctx: Ctx, io: ConsoleIO, out: ReturnType<typeof printer>, deps: ConsoleDeps): Promise<number> {
    const areaIds = (await ctx.pen.areas()).map((a) => a.id)
    const cartridgeIds = (await ctx.pen.cartridges()).map((c) => c.id)
    const historyFile = deps.historyFile ?? join(homedir(), ".pen_console_history")
    let history: string[] = []
    try {
        if (historyFile) history = readFileSync(historyFile, "utf8").split("\n").filter(Boolean).reverse().slice(0, 500)
    } catch {
        // no history yet
    }
    const rl = readline.createInterface({
        input: io.stdin, output: io.stdout, terminal: true, completer: completer(areaIds, cartridgeIds), history, historySize: 500,
        prompt: "pen> ",
    })
    io.stdout.write(`connected to the pen at ${ctx.pen.where()}; help lists the commands, quit leaves\n`)
    let failed = false
    // while a watch runs, Enter or Ctrl-C stops it instead of running a command / leaving
    let stopWatch: (() => void) | undefined
    const lineQueue: string[] = []
    let wake: (() => void) | undefined
    let closed = false
    rl.on("line", (l) => {
        if (stopWatch) {
            stopWatch()
            return
        }
        lineQueue.push(l)
        wake?.()
    })
    rl.on("SIGINT", () => {
        if (stopWatch) stopWatch()
        else rl.close()
    })
    rl.on("close", () => {
        closed = true
        stopWatch?.()
        wake?.()
    })
    ctx.confirm = (q) =>
        new Promise((resolve) => {
            rl.question(q, (a) => resolve(/^y(es)?$/i.test(a.trim())))
        })
    // the question on its own line: a live reading (bringup) rewrites the line of the prompt
    let answer: ((a: string | undefined) => void) | undefined
    rl.on("close", () => answer?.(undefined))
    ctx.ask = (_id, question) =>
        new Promise((resolve) => {
            if (closed) return resolve(undefined)
            answer = resolve
            io.stdout.write(`${question}\n`)
            rl.question("> ", (a) => {
                answer = undefined
                resolve(a)
            })
        })
    for (;;) {
        rl.prompt()
        while (lineQueue.length === 0 && !closed) await new Promise<void>((r) => (wake = r))
        if (lineQueue.length === 0) break
        const line = lineQueue.shift()!.trim()
        if (line === "") continue
        if (historyFile)
            try {
                appendFileSync(historyFile, line + "\n")
            } catch {
                // history is a convenience
            }
        const w = words(line)
        if (w[0] === "quit" || w[0] === "exit") break
        let r: Output
        try {
            if (w[0] === "watch") {
                io.stdout.write("(Enter or Ctrl-C stops)\n")
                ctx.stopped = () => new Promise<void>((res) => (stopWatch = res))
            }
            r = await execute(line, ctx)
        } catch (e) {
            r = { ok: false, message: (e as Error).message }
        } finally {
            if (stopWatch) io.stdout.write("\n")
            stopWatch = undefined
            ctx.stopped = undefined
        }
        if (w[0] === "watch") continue
        out.result(line, r)
        if (!r.ok) failed = true
    }
    rl.close()
    return failed ? 1 : 0
}
