import type { Execution } from "#engine";
import { AWS_PRICES, expressExecutionCost } from "#telemetry";

/**
 * AWS cost of one run from its usage, with the one price table the telemetry's `EstimatedCost`
 * uses (`AWS_PRICES` in functions/telemetry/cost.ts: us-east-1 list prices, on-demand; estimates —
 * no free tier, data transfer or CloudWatch).
 */
export interface UsageForCost {
  transitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  writeUnits: number;
  readUnits: number;
  /** How long the execution ran (Express bills it); Standard ignores it. */
  durationMs?: number;
}

/**
 * What orchestrating one run costs: Standard's transitions, or Express's request plus billed
 * duration (one execution; each continue-as-new adds one).
 */
export function orchestrationCost(u: UsageForCost, execution: Execution = "standard"): number {
  return execution === "express"
    ? expressExecutionCost(u.durationMs ?? 0)
    : u.transitions * AWS_PRICES.stepFunctionsTransition;
}

/** Estimated USD for one run with this usage, on a Standard or an Express state machine. */
export function costPerRun(u: UsageForCost, execution: Execution = "standard"): number {
  return (
    orchestrationCost(u, execution) +
    u.lambdaInvocations * AWS_PRICES.lambdaRequest +
    u.lambdaGbSeconds * AWS_PRICES.lambdaGbSecondArm +
    u.writeUnits * AWS_PRICES.dynamoWriteUnit +
    u.readUnits * AWS_PRICES.dynamoReadUnit
  );
}
