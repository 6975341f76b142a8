import { z } from "zod";
import { BREAK_KINDS, DatasetSpecSchema, TolerancesSchema } from "#data";
import type { TriageUpdate } from "./state.ts";

/** An exception handed in by its producer (a break feed, another workflow) instead of detected. */
export const ExceptionSchema = z.object({
  breakId: z.string().min(1),
  kind: z.enum(BREAK_KINDS),
  tradeIds: z.array(z.string().min(1)).min(1).max(10),
  desk: z.string().min(1),
  counterparty: z.string().min(1),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).default({}),
});

/**
 * A triage run request: one trade exception on a day. Give the `exception` itself, or a
 * `tradeId` whose break the detector finds, or neither: then the day's first detected break
 * (deterministic), so `{}` triages one break of the standard day.
 */
export const TriageInput = z
  .object({
    dataset: DatasetSpecSchema.prefault({}),
    tolerances: TolerancesSchema.prefault({}),
    tradeId: z.string().min(1).optional(),
    exception: ExceptionSchema.optional(),
  })
  .refine((i) => !(i.tradeId && i.exception), {
    message: "give tradeId or exception, not both",
    path: ["tradeId"],
  });

export type TriageInputValue = z.infer<typeof TriageInput>;

/** The initial state update for a validated request. */
export function triageInputToState(input: TriageInputValue): TriageUpdate {
  return {
    dataset: input.dataset,
    tolerances: input.tolerances,
    request: {
      ...(input.tradeId ? { tradeId: input.tradeId } : {}),
      ...(input.exception ? { exception: input.exception } : {}),
    },
  };
}
