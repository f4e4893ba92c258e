// Button gestures, debounced: a short press of the trigger arms or disarms; holding it for
// control.clearHoldMs asks to clear a latched fault (never on its own: a person must hold it).
// A press of the area button selects the next treatment area.

export type Gesture = "none" | "short" | "hold"

export class PressTracker {
    private downAtMs = -1
    /** undefined (false) until the first hold: no initialiser, it costs firmware bytes */
    private held: boolean

    constructor(private holdMs: number, private debounceMs: number) {}

    /** feed the button level; returns the gesture completed by this sample */
    update(nowMs: number, pressed: boolean): Gesture {
        if (pressed) {
            if (this.downAtMs < 0) this.downAtMs = nowMs
            if (!this.held && nowMs - this.downAtMs >= this.holdMs) {
                this.held = true
                return "hold"
            }
            return "none"
        }
        if (this.downAtMs < 0) return "none"
        const lenMs = nowMs - this.downAtMs
        const wasHeld = this.held
        this.downAtMs = -1
        this.held = false
        if (wasHeld || lenMs < this.debounceMs) return "none"
        return "short"
    }
}
