// Letting the DeviceScript VM breathe inside long tests.
//
// The VM panics with InfiniteLoop after ~128K bytecode steps without a real suspension (a
// `sleep`), and awaiting one of our own async functions is not one. The VM harness
// (vm-harness.ts) sleeps before every test and installs the sleeper below; a test that runs
// many simulated ticks must still call `await breathe()` now and then, or use `repeat()`.
// Under vitest nothing is installed and both are plain loops: Node has no such limit.

let sleeper: ((ms: number) => Promise<void>) | undefined = undefined

/** Installed by the VM harness only. */
export function setSleeper(fn: (ms: number) => Promise<void>): void {
    sleeper = fn
}

/** Yield to the VM scheduler (resets its step budget). No-op under vitest. */
export async function breathe(): Promise<void> {
    if (sleeper !== undefined) await sleeper(0)
}

/**
 * body(0) ... body(n - 1), breathing every `every` calls (default 100). Keep one chunk of
 * calls under ~100K VM steps: a control tick with a few function calls is a few hundred.
 */
export async function repeat(n: number, body: (i: number) => void, every?: number): Promise<void> {
    const chunk = every === undefined || every < 1 ? 100 : every
    for (let i = 0; i < n; i++) {
        if (i > 0 && i % chunk === 0) await breathe()
        body(i)
    }
}
