// What the power-on self-test (core/selftest.ts) must name for each wiring mistake of
// sim/plant/wiring.ts: shared by the closed-loop test (test/sim/selftest.test.ts) and the VM one
// (test/fil/selftest.test.ts), so both check the same table.
import type { WiringMistakeId } from "../../sim/plant/wiring"

/**
 * What the self-test must say for each mistake. stroke_dead and motor_disconnected give the same
 * evidence to a firmware without a current sense (no counts while driven): one verdict naming both
 * causes and how to tell them apart by eye.
 */
export const EXPECTED: Record<WiringMistakeId, string> = {
    pots_swapped: "pots_swapped",
    actuator_reversed: "depth_actuator_reversed",
    feedback_reversed: "depth_feedback_reversed",
    feedback_missing: "depth_feedback_open",
    fsr_no_bias: "force_saturated",
    fsr_no_live_zero: "force_open",
    stroke_dead: "stroke_none",
    stroke_double: "stroke_double",
    trigger_stuck: "trigger_pressed",
    motor_disconnected: "stroke_none",
}
