import { z } from "zod";
import { BREAK_KINDS, DatasetSpecSchema } from "#data";
import type { BreakRecord } from "../reconciliation/index.ts";
import type { InvestigationUpdate } from "./state.ts";

/** Rounds before whatever is still open goes to a person. */
export const DEFAULT_MAX_ROUNDS = 6;
/** Breaks per specialist per round: one round covers the 2,000-trade day's kinds in two or so. */
export const DEFAULT_BATCH_SIZE = 10;
/** Most breaks one run takes: each is a record in state and an agent run. */
export const MAX_BREAKS = 5000;

/** Reconciliation's compact break record, as a run request may carry it. */
export const BreakRecordSchema = z.object({
  breakId: z.string().min(1),
  kind: z.enum(BREAK_KINDS),
  tradeIds: z.array(z.string().min(1)).min(1),
  desk: z.string(),
  counterparty: z.string(),
  notionalUsd: z.number(),
  detail: z.string(),
}) satisfies z.ZodType<BreakRecord>;

/**
 * An investigation run request. `{}` investigates the standard day (seed 42, 2,000 trades),
 * finding its open breaks with reconciliation's matcher; `breaks` (e.g. a reconciliation run's
 * `state.breaks`) skips that and investigates exactly those.
 */
export const InvestigationInput = z.object({
  dataset: DatasetSpecSchema.prefault({}),
  breaks: z.array(BreakRecordSchema).max(MAX_BREAKS).optional(),
  maxRounds: z.number().int().min(1).max(50).default(DEFAULT_MAX_ROUNDS),
  batchSize: z.number().int().min(1).max(200).default(DEFAULT_BATCH_SIZE),
});

export type InvestigationInputValue = z.infer<typeof InvestigationInput>;

/** The initial state update for a validated request. */
export function investigationInputToState(input: InvestigationInputValue): InvestigationUpdate {
  return {
    dataset: input.dataset,
    breakSource: input.breaks ? "given" : "derive",
    maxRounds: input.maxRounds,
    batchSize: input.batchSize,
    ...(input.breaks ? { breaks: input.breaks } : {}),
  };
}
