import { describe, expect, it } from "vitest";
import { AWS_PRICES, EXPRESS_BILLING, expressExecutionCost } from "#telemetry";
import { costPerRun, orchestrationCost } from "../../bench/lib/prices.ts";

/** Express pricing (functions/telemetry/cost.ts): per request plus duration in 100 ms steps at 64 MB. */
describe("Express execution cost", () => {
  it("is the request plus the duration rounded up to 100 ms, at 64 MB", () => {
    const perBilledSecond = EXPRESS_BILLING.memoryGb * AWS_PRICES.expressGbSecond;
    expect(expressExecutionCost(0)).toBe(AWS_PRICES.expressRequest);
    expect(expressExecutionCost(1)).toBeCloseTo(AWS_PRICES.expressRequest + 0.1 * perBilledSecond, 15);
    expect(expressExecutionCost(1000)).toBeCloseTo(AWS_PRICES.expressRequest + perBilledSecond, 15);
    expect(expressExecutionCost(1001)).toBeCloseTo(AWS_PRICES.expressRequest + 1.1 * perBilledSecond, 15);
  });

  it("replaces Standard's transitions in a run's price; Lambda and DynamoDB cost the same on both", () => {
    const usage = {
      transitions: 40,
      lambdaInvocations: 12,
      lambdaGbSeconds: 3,
      writeUnits: 50,
      readUnits: 80,
      durationMs: 2400,
    };
    expect(orchestrationCost(usage, "standard")).toBeCloseTo(40 * AWS_PRICES.stepFunctionsTransition, 15);
    expect(orchestrationCost(usage, "express")).toBeCloseTo(expressExecutionCost(2400), 15);
    const rest = costPerRun(usage, "standard") - orchestrationCost(usage, "standard");
    expect(costPerRun(usage, "express") - orchestrationCost(usage, "express")).toBeCloseTo(rest, 15);
    // 40 transitions ($1.0e-3) against one 2.4 s execution ($3.5e-6): Express is the cheaper here.
    expect(costPerRun(usage, "express")).toBeLessThan(costPerRun(usage, "standard"));
  });
});
