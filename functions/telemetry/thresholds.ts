/**
 * Alarm thresholds and the availability SLO, in one place (the CDK observability construct
 * reads them; a stage may override any). Burn rates follow the multi-window, multi-burn-rate
 * alerts of Google's SRE workbook: page when the 30-day error budget would be gone in ~2 days
 * (fast) or ~5 days (slow), each confirmed by a short window so a recovered incident stops alarming.
 */
export interface AlarmThresholds {
  /** Share of runs that must succeed or wait, per 30 days (on AWS: executions that end succeeded). */
  readonly sloTarget: number;
  /** Failed + timed-out + aborted ÷ started executions of a workflow's state machine over 15 minutes. */
  readonly runFailureRate: number;
  /** p95 of a workflow's state machine `ExecutionTime` (`AWS/States`), ms, over 15 minutes. */
  readonly p95RunDurationMs: number;
  /** Failed ÷ all model requests per model over 15 minutes. */
  readonly modelErrorRate: number;
  /** Lambda errors + throttles per function in 5 minutes. */
  readonly lambdaErrorsAndThrottles: number;
  /** Failed + timed-out + aborted executions per state machine in 5 minutes. */
  readonly stateMachineFailures: number;
  readonly burnRates: {
    readonly fast: { readonly rate: number; readonly longMinutes: number; readonly shortMinutes: number };
    readonly slow: { readonly rate: number; readonly longMinutes: number; readonly shortMinutes: number };
  };
}

export const DEFAULT_THRESHOLDS: AlarmThresholds = {
  sloTarget: 0.999,
  runFailureRate: 0.05,
  p95RunDurationMs: 10 * 60_000,
  modelErrorRate: 0.1,
  lambdaErrorsAndThrottles: 1,
  stateMachineFailures: 1,
  burnRates: {
    fast: { rate: 14.4, longMinutes: 60, shortMinutes: 5 },
    slow: { rate: 6, longMinutes: 360, shortMinutes: 30 },
  },
};
