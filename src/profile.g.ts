// GENERATED from devs.json by tools/gen-profile.mjs: do not edit, run `npm run build`.
import { Profile } from "../core/profile"

export const FACTORY_PROFILE: Profile = {
    "profileVersion": 1,
    "name": "microneedling pen, bench prototype",
    "areas": [
        {
            "id": "periorbital",
            "label": "Periorbital (around the eyes)",
            "depthCapMm": 0.5,
            "areaCm2": 9.6,
            "passDensityPerCm2": 1600,
            "preset": {
                "depthMm": 0.25,
                "strokeHz": 100,
                "passLimit": 2
            }
        },
        {
            "id": "forehead",
            "label": "Forehead",
            "depthCapMm": 0.75,
            "areaCm2": 60,
            "passDensityPerCm2": 1600,
            "preset": {
                "depthMm": 0.5,
                "strokeHz": 100,
                "passLimit": 3
            }
        },
        {
            "id": "nose",
            "label": "Nose",
            "depthCapMm": 0.5,
            "areaCm2": 15,
            "passDensityPerCm2": 1600,
            "preset": {
                "depthMm": 0.25,
                "strokeHz": 100,
                "passLimit": 2
            }
        },
        {
            "id": "perioral",
            "label": "Perioral / upper lip",
            "depthCapMm": 0.75,
            "areaCm2": 21,
            "passDensityPerCm2": 1600,
            "preset": {
                "depthMm": 0.25,
                "strokeHz": 100,
                "passLimit": 3
            }
        },
        {
            "id": "cheeks",
            "label": "Cheeks and chin (incl. acne scars)",
            "depthCapMm": 2,
            "areaCm2": 48,
            "passDensityPerCm2": 1950,
            "preset": {
                "depthMm": 1,
                "strokeHz": 120,
                "passLimit": 3
            }
        },
        {
            "id": "scalp",
            "label": "Scalp (hair loss)",
            "depthCapMm": 1.2,
            "areaCm2": 100,
            "passDensityPerCm2": 1600,
            "preset": {
                "depthMm": 0.6,
                "strokeHz": 100,
                "passLimit": 3
            }
        },
        {
            "id": "body",
            "label": "Body (stretch marks)",
            "depthCapMm": 2.5,
            "areaCm2": 150,
            "passDensityPerCm2": 1950,
            "preset": {
                "depthMm": 1.5,
                "strokeHz": 120,
                "passLimit": 3
            }
        }
    ],
    "cartridges": [
        {
            "id": "n12",
            "label": "12 needles, round",
            "needles": 12,
            "footprintMm": 7
        },
        {
            "id": "n14",
            "label": "14 needles, round",
            "needles": 14,
            "footprintMm": 7
        },
        {
            "id": "n24",
            "label": "24 needles",
            "needles": 24,
            "footprintMm": 8
        },
        {
            "id": "n36",
            "label": "36 needles",
            "needles": 36,
            "footprintMm": 9
        }
    ],
    "dose": {
        "cartridge": "n12",
        "warnPasses": 0.25,
        "reservePasses": 0.25
    },
    "force": {
        "contactN": 0.5,
        "releaseN": 0.3,
        "overPressureN": 4,
        "contactConfirmMs": 30,
        "releaseDebounceMs": 300,
        "riseLimitNPerS": 40,
        "riseDebounceSamples": 3,
        "openBelowRatio": 0.008,
        "saturatedAboveRatio": 0.97,
        "rangeDebounceSamples": 3,
        "staleAfterMs": 100,
        "stuckAfterMs": 2000,
        "curve": [
            [
                0.0196,
                0
            ],
            [
                0.05,
                0.033
            ],
            [
                0.1,
                0.091
            ],
            [
                0.2,
                0.23
            ],
            [
                0.3,
                0.409
            ],
            [
                0.4,
                0.647
            ],
            [
                0.5,
                0.98
            ],
            [
                0.6,
                1.48
            ],
            [
                0.7,
                2.313
            ],
            [
                0.75,
                2.98
            ],
            [
                0.8,
                3.98
            ],
            [
                0.85,
                5.647
            ],
            [
                0.9,
                8.98
            ],
            [
                0.95,
                18.98
            ]
        ],
        "loadCell": {
            "i2cAddress": 42,
            "zeroCounts": 0,
            "countsPerN": 218982
        }
    },
    "stroke": {
        "countsPerStroke": 2,
        "rateWindowMs": 120,
        "silentAfterMs": 250,
        "silentAboveDuty": 0.3,
        "overspeedHz": 180,
        "overspeedAfterMs": 100
    },
    "needle": {
        "noLoadHzPerDuty": 217,
        "maxDuty": 0.95,
        "kp": 0.0015,
        "ki": 0.03,
        "rampHzPerS": 300,
        "brakeHoldMs": 250
    },
    "depth": {
        "angleAtZeroDeg": -60,
        "degPerMm": 40,
        "feedbackRatioAt0Mm": 0.15,
        "feedbackRatioPerMm": 0.18,
        "toleranceMm": 0.1,
        "followTimeoutMs": 1500
    },
    "control": {
        "tickMs": 10,
        "overrunAfterMs": 100,
        "driveWriteMs": 50,
        "statusEveryMs": 250,
        "clearHoldMs": 2000
    },
    "motion": {
        "warnAfterMs": 600,
        "stopAfterMs": 750,
        "stopOnDwell": 1,
        "odrHz": 26,
        "highPassHz": 0.8,
        "lowPassHz": 2.3,
        "turnAboveG": 0.0045,
        "settledBelowG": 0.001,
        "staleAfterMs": 250,
        "stuckAfterMs": 1000,
        "saturatedAtG": 7.9,
        "saturatedSamples": 3
    }
}

/** the force conversions' fingerprints (tools/gen-profile.mjs forceBasis): the calibration record carries the one in use */
export const FSR_BASIS = 86562
export const LOADCELL_BASIS = 581533
