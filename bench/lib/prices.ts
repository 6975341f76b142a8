import { AWS_PRICES } from "#telemetry";

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
}

/** Estimated USD for one run with this usage. */
export function costPerRun(u: UsageForCost): number {
  return (
    u.transitions * AWS_PRICES.stepFunctionsTransition +
    u.lambdaInvocations * AWS_PRICES.lambdaRequest +
    u.lambdaGbSeconds * AWS_PRICES.lambdaGbSecondArm +
    u.writeUnits * AWS_PRICES.dynamoWriteUnit +
    u.readUnits * AWS_PRICES.dynamoReadUnit
  );
}
