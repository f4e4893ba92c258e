// The closed loop and the firmware in the VM agree on a short scenario's outcome (test/fil/agreement.ts),
// for the scenario whose outcome depends on when the force samples arrive: the rise cutoff reads
// their arrival times, and beside other VMs one clean-clone run saw it in the closed loop and not
// in the VM. This file runs alone (tools/test-all.mjs FIL_ALONE); the other scenarios are in
// agreement-outcome.test.ts and agreement-session.test.ts, beside other files.
import { RISE_SCENARIO, agreementTests } from "./agreement"

agreementTests((s) => s.name === RISE_SCENARIO)
