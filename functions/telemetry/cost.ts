/**
 * The price table behind `EstimatedCost` and the report's cost column. ESTIMATES: list prices
 * (USD, us-east-1, on-demand), no free tier, no data transfer, no CloudWatch. A model missing
 * from the table is priced at {@link UNKNOWN_MODEL_PRICE} so an unpriced model is never free
 * by accident. The offline policy model and Ollama (self-hosted) cost nothing per token.
 */

/** USD per one million tokens. */
export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** Per-model token prices, by the model id the provider reports (`gen_ai.request.model`). */
export const MODEL_PRICES: Readonly<Record<string, TokenPrice>> = {
  "switchyard-offline-policy": { inputPerMillion: 0, outputPerMillion: 0 },
  "anthropic.claude-3-5-haiku-20241022-v1:0": { inputPerMillion: 0.8, outputPerMillion: 4 },
  "anthropic.claude-3-5-sonnet-20241022-v2:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "amazon.nova-lite-v1:0": { inputPerMillion: 0.06, outputPerMillion: 0.24 },
  "amazon.nova-pro-v1:0": { inputPerMillion: 0.8, outputPerMillion: 3.2 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
};

/** Providers whose tokens cost nothing here (self-hosted or no model at all). */
const FREE_PROVIDERS = new Set(["offline", "ollama"]);

/** What an unknown model's tokens are priced at: a mid-range hosted model. */
export const UNKNOWN_MODEL_PRICE: TokenPrice = { inputPerMillion: 3, outputPerMillion: 15 };

/**
 * AWS request prices: AWS's public price list (us-east-1, on-demand, first tier); the engine
 * bench prices runs with these too.
 */
export const AWS_PRICES = {
  /** Step Functions Standard, per state transition. */
  stepFunctionsTransition: 0.025 / 1000,
  /** Step Functions Express, per execution (request); Express has no per-transition price. */
  expressRequest: 1 / 1_000_000,
  /**
   * Step Functions Express, per GB-second of execution duration (first tier: the first 1,000 GB-hours
   * of a month), billed as {@link EXPRESS_BILLING} rounds it.
   */
  expressGbSecond: 0.00001667,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on ARM64, per GB-second. */
  lambdaGbSecondArm: 0.0000133334,
  /** DynamoDB on-demand, per write request unit. */
  dynamoWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand, per read request unit. */
  dynamoReadUnit: 0.125 / 1_000_000,
} as const;

/**
 * How Express bills duration (AWS's public price list): in 100 ms increments, at the memory the
 * execution's state uses in 64 MB steps — references only here, so the 64 MB minimum.
 */
export const EXPRESS_BILLING = { incrementMs: 100, memoryGb: 64 / 1024 } as const;

/**
 * Estimated USD of one Express execution lasting `durationMs` (request plus billed duration).
 *
 * @example
 * expressExecutionCost(1250); // 1e-6 + 1.3 s × 0.0625 GB × 0.00001667
 */
export function expressExecutionCost(durationMs: number): number {
  const billedSeconds =
    (Math.ceil(durationMs / EXPRESS_BILLING.incrementMs) * EXPRESS_BILLING.incrementMs) / 1000;
  return AWS_PRICES.expressRequest + billedSeconds * EXPRESS_BILLING.memoryGb * AWS_PRICES.expressGbSecond;
}

/**
 * Estimated USD of one model call.
 *
 * @example
 * tokenCost({ provider: "openai", model: "gpt-4o-mini" }, 1_000_000, 0); // 0.15
 */
export function tokenCost(
  model: { readonly provider: string; readonly model: string },
  inputTokens: number,
  outputTokens: number,
): number {
  const price = FREE_PROVIDERS.has(model.provider)
    ? { inputPerMillion: 0, outputPerMillion: 0 }
    : (MODEL_PRICES[model.model] ?? UNKNOWN_MODEL_PRICE);
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}

/** AWS usage of (part of) a run, as counted by the runner or estimated from its shape. */
export interface AwsUsage {
  readonly stateTransitions?: number;
  readonly lambdaInvocations?: number;
  readonly lambdaGbSeconds?: number;
  readonly dynamoWriteUnits?: number;
  readonly dynamoReadUnits?: number;
}

/**
 * Estimated USD of AWS requests.
 *
 * @example
 * awsCost({ stateTransitions: 40, lambdaInvocations: 12 }); // 0.0010024
 */
export function awsCost(u: AwsUsage): number {
  return (
    (u.stateTransitions ?? 0) * AWS_PRICES.stepFunctionsTransition +
    (u.lambdaInvocations ?? 0) * AWS_PRICES.lambdaRequest +
    (u.lambdaGbSeconds ?? 0) * AWS_PRICES.lambdaGbSecondArm +
    (u.dynamoWriteUnits ?? 0) * AWS_PRICES.dynamoWriteUnit +
    (u.dynamoReadUnits ?? 0) * AWS_PRICES.dynamoReadUnit
  );
}

/**
 * The AWS requests of one superstep on Step Functions, estimated from its shape: the planning
 * Lambda and, per task it schedules, the task's Lambda; the state transitions are the
 * superstep's Choice, Map and Commit plus, per task, Choice + Task + result. The telemetry
 * observer prices runs with it; the run report splits it into each task's share and the rest.
 */
export const SUPERSTEP_AWS_USAGE = {
  base: { lambdaInvocations: 1, stateTransitions: 3 },
  perTask: { lambdaInvocations: 1, stateTransitions: 3 },
} as const satisfies Record<string, AwsUsage>;

/** Estimated USD of one superstep that scheduled `tasks` tasks (see {@link SUPERSTEP_AWS_USAGE}). */
export function superstepAwsCost(tasks: number): number {
  const { base, perTask } = SUPERSTEP_AWS_USAGE;
  return awsCost({
    lambdaInvocations: base.lambdaInvocations + tasks * perTask.lambdaInvocations,
    stateTransitions: base.stateTransitions + tasks * perTask.stateTransitions,
  });
}
