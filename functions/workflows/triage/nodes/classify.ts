import { z } from "zod";
import { answerOf, triageAgent } from "../agents.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ClassifiedBreak } from "../types.ts";

const ClassifierAnswer = z.object({
  instrumentId: z.string(),
  severity: z.enum(["low", "medium", "high"]),
  impactUsd: z.number().nonnegative(),
  faultSide: z.enum(["internal", "broker", "data", "unknown"]),
  fixable: z.boolean(),
  evidence: z.array(z.string()),
});

/**
 * The classifier agent establishes the facts behind the break — severity, US dollars at stake,
 * whose fault, fixable or not — from the booking, the confirmation and the market price. An
 * unusable answer is classified unfixable and high, so the break goes to people, never to a fix.
 */
export async function classify(state: TriageStateValue): Promise<TriageUpdate> {
  const exception = state.exception;
  if (!exception) return {};
  // For a duplicate, act on the extra booking: the original is the confirmed one.
  const primaryTradeId =
    (exception.kind === "duplicate_booking" ? exception.tradeIds[1] : exception.tradeIds[0]) ?? "";
  const task = {
    breakId: exception.breakId,
    kind: exception.kind,
    tradeIds: exception.tradeIds,
    primaryTradeId,
  };
  const run = await triageAgent("triage.classifier", state.dataset).invoke(JSON.stringify(task));
  const result = answerOf(run, ClassifierAnswer);
  const facts = result.ok
    ? result.value
    : {
        instrumentId: "",
        severity: "high" as const,
        impactUsd: 0,
        faultSide: "unknown" as const,
        fixable: false,
        evidence: [`no usable classification: ${result.error}`],
      };
  const classification: ClassifiedBreak = {
    breakId: exception.breakId,
    kind: exception.kind,
    tradeIds: exception.tradeIds,
    primaryTradeId,
    desk: exception.desk,
    counterparty: exception.counterparty,
    ...facts,
  };
  return {
    classification,
    classifierMemory: [run],
    steps: [
      {
        node: "classify",
        did: `${classification.severity} severity, $${classification.impactUsd.toLocaleString("en-US")} at stake, fault ${classification.faultSide}, ${classification.fixable ? "mechanically fixable" : "needs a person"}`,
        toolCalls: run.toolCalls.length,
      },
    ],
  };
}
