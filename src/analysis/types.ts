/** The analysis vocabulary other layers import (defined next to the logic in evaluate.ts). */
export type { BaselineCheck, Check, CheckOutcome, CheckResult, Comparison, Judgment, JudgmentOutcome, Measurement } from './evaluate.ts';
