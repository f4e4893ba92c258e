// The operator's hand over one treatment area (issue 13): one import for the path
// (technique-path.ts: segments and the pose at any time), the builder (technique-builder.ts),
// the clinical plan and bad habits (technique-clinical.ts), and here the same technique as a
// force script for the scripted hand (hand.ts), so the force and the path agree.

import { HandSegment } from "./hand"
import { Technique } from "./technique-path"

export * from "./technique-path"
export * from "./technique-builder"
export * from "./technique-clinical"


/**
 * The same technique as a script for the scripted hand (hand.ts): a contact segment after a lift
 * is an approach, later ones glide/hold at the target force, a lift lifts. The hand's ramps
 * (approach ~150 ms, lift ~80 ms) sit inside the segments, so its force follows this contact.
 */
export function techniqueHandScript(tech: Technique): HandSegment[] {
    const out: HandSegment[] = []
    let inContact = false
    for (const seg of tech.segments) {
        const durationMs = seg.endMs - seg.startMs
        if (!seg.contact) {
            out.push({ kind: "lift", durationMs })
            inContact = false
        } else if (!inContact) {
            out.push({ kind: "approach", durationMs, forceN: seg.forceN })
            inContact = true
        } else out.push({ kind: seg.kind === "hold" ? "hold" : "glide", durationMs, forceN: seg.forceN })
    }
    return out
}
