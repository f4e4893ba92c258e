// A model of DeviceScript's outgoing-packet throttle (runtime/devicescript/jdiface.c,
// throttle_send_pkt): every packet a program sends costs 20 ms of a budget that holds at most 5,
// so a burst of 5 goes out at once and then one packet per 20 ms. A packet over budget is held
// back. The pen keeps `reserve` packets for the needle stop, so a stop is never held back behind
// status lights or settings writes.

export const BURST_PACKETS = 5
export const COST_MS = 20
/**
 * how long a store request or a reply waits behind a writer write that waits for budget (ms): five
 * packets' time. Bounded: a writer that always has something waiting (a write that keeps throwing
 * is sent again every COST_MS) must not shut the settings or the console out
 */
export const WRITER_FIRST_MAX_MS = 100

export class SendBudget {
    private throttleMs = 0
    /**
     * the writer (drivers/writer.ts) has something due that waits for budget: a settings request
     * and a reply (replyMayGo) wait behind it (a stream of single-packet reads, as at boot, or of
     * replies, would otherwise starve the writer's two-packet depth write)
     */
    writerWaiting = false
    /**
     * store requests (drivers/persist.ts) waiting for budget: console replies wait behind them, else
     * a console that polls hard takes every packet the budget frees and the pass ledger is not
     * stored. A count: the ledger's saver and a console save can wait at once
     */
    storeWaiting = 0

    /** the runtime's bucket by default; the closed-loop simulator can model another one */
    constructor(private burst = BURST_PACKETS, private costMs = COST_MS) {}

    /** packets that can go out now without waiting */
    available(nowMs: number): number {
        const floor = nowMs - this.burst * this.costMs
        const t = this.throttleMs < floor ? floor : this.throttleMs
        return Math.floor((nowMs - t) / this.costMs)
    }

    /** whether `n` packets can go out now and still leave `reserve` */
    allows(nowMs: number, n: number, reserve: number): boolean {
        return this.available(nowMs) - n >= reserve
    }

    /**
     * whether a reply (the console's, a control query's) may take a packet now, `waitedMs` after it
     * was ready: with the stop's reserve left, not while a store request waits for budget, and not
     * while the writer does for up to WRITER_FIRST_MAX_MS. The writer needs more than one packet free
     * (the depth write is two, plus the reserve): replies taken one by one as the budget freed them
     * held an area's depth write back for as long as a console flooded status reads, until
     * depth_not_following (2026-12-05). persist.ts charge() bounds the store's wait for the writer the
     * same way, written out: a method shared by both cost 40 B of functions
     */
    replyMayGo(nowMs: number, reserve: number, waitedMs: number): boolean {
        return this.storeWaiting === 0 && (!this.writerWaiting || waitedMs >= WRITER_FIRST_MAX_MS) && this.allows(nowMs, 1, reserve)
    }

    /** record a packet sent (whether or not it was allowed: the runtime charges it anyway) */
    spend(nowMs: number) {
        const floor = nowMs - this.burst * this.costMs
        if (this.throttleMs < floor) this.throttleMs = floor
        this.throttleMs += this.costMs
    }
}
