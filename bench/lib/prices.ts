/**
 * AWS list prices used for the cost estimates (us-east-1, on-demand, checked 2026-11; see
 * docs/operations.md). Estimates only: free tiers, data transfer and CloudWatch are not counted.
 */
export const PRICES = {
  /** Step Functions Standard: per state transition. */
  stepFunctionsTransition: 0.025 / 1000,
  /** Lambda: per request. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on ARM64: per GB-second. */
  lambdaGbSecondArm: 0.0000133334,
  /** DynamoDB on-demand: per write request unit (1 KB). */
  dynamoWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: per read request unit (4 KB, strongly consistent). */
  dynamoReadUnit: 0.125 / 1_000_000,
} as const;

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
    u.transitions * PRICES.stepFunctionsTransition +
    u.lambdaInvocations * PRICES.lambdaRequest +
    u.lambdaGbSeconds * PRICES.lambdaGbSecondArm +
    u.writeUnits * PRICES.dynamoWriteUnit +
    u.readUnits * PRICES.dynamoReadUnit
  );
}
