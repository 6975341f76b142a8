import { z } from "zod";
import { DatasetSpecSchema, TolerancesSchema } from "#data";
import type { TriageUpdate } from "./state.ts";

/**
 * A triage run request. Everything has a default, so `{}` triages the standard day
 * (seed 42, 2,000 trades, 24 November 2026) with the default tolerances.
 */
export const TriageInput = z.object({
  dataset: DatasetSpecSchema.prefault({}),
  tolerances: TolerancesSchema.prefault({}),
});

export type TriageInputValue = z.infer<typeof TriageInput>;

/** The initial state update for a validated request. */
export function triageInputToState(input: TriageInputValue): TriageUpdate {
  return { dataset: input.dataset, tolerances: input.tolerances };
}
