import { z } from "zod";
import { DatasetSpecSchema, TolerancesSchema } from "#data";
import type { ReconciliationUpdate } from "./state.ts";

/** About 10–16 workers on the standard 2,000-trade day, whichever way it is split. */
export const DEFAULT_PARTITION_SIZE = 200;

/**
 * Most workers one run may fan out to. Each is a task id in the superstep's plan and a Lambda
 * invocation; past this the per-invocation overhead outweighs the parallelism.
 */
export const MAX_PARTITIONS = 1000;

/**
 * A reconciliation run request. Everything has a default, so `{}` reconciles the standard day
 * (seed 42, 2,000 trades, 24 November 2026) by desk, ~200 trades per worker, default tolerances.
 */
export const ReconciliationInput = z
  .object({
    dataset: DatasetSpecSchema.prefault({}),
    partitionBy: z.enum(["desk", "assetClass", "counterparty"]).default("desk"),
    partitionSize: z.number().int().min(1).default(DEFAULT_PARTITION_SIZE),
    tolerances: TolerancesSchema.prefault({}),
  })
  // A size below 1 already has its own issue; judging the worker count from it would repeat it.
  .refine(
    (input) => input.partitionSize < 1 || input.dataset.trades / input.partitionSize <= MAX_PARTITIONS,
    {
      path: ["partitionSize"],
      message: `too small for the dataset: it would need more than ${MAX_PARTITIONS} workers`,
    },
  );

export type ReconciliationInputValue = z.infer<typeof ReconciliationInput>;

/** The initial state update for a validated request. */
export function reconciliationInputToState(input: ReconciliationInputValue): ReconciliationUpdate {
  return {
    dataset: input.dataset,
    partitionBy: input.partitionBy,
    partitionSize: input.partitionSize,
    tolerances: input.tolerances,
  };
}
