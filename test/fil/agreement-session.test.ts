// The closed loop and the firmware in the VM agree on a short scenario's outcome (test/fil/agreement.ts):
// the short scenarios that are neither a sensor fault (agreement-outcome.test.ts) nor the rise
// cutoff (agreement.test.ts): the console session and the multi-glide. Run beside other files.
import { RISE_SCENARIO, agreementTests } from "./agreement"

agreementTests((s) => s.name !== RISE_SCENARIO && !s.name.startsWith("short fault"))
