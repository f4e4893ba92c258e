// The closed loop and the firmware in the VM agree on a short scenario's outcome (test/fil/agreement.ts),
// for the scenarios whose outcome does not hang on when a sample arrives: run beside other files.
// The sensor-fault scenarios here; the others in agreement-session.test.ts (two files, so
// tools/test-all.mjs's queue packs them). The one that hangs on arrival times is agreement.test.ts's, alone.
import { RISE_SCENARIO, agreementTests } from "./agreement"

agreementTests((s) => s.name !== RISE_SCENARIO && s.name.startsWith("short fault"))
