/** The analysis vocabulary other layers import (defined next to the logic in evaluate.ts). */
export type { Check, CheckOutcome, CheckResult, Judgment, JudgmentOutcome, Measurement } from './evaluate.ts';
