import { z } from "zod";
import { AMENDMENT_ACTIONS } from "#tools";
import { answerOf, triageAgent } from "../agents.ts";
import { storeOfRun } from "../day.ts";
import { type ClassifierTask, subjectOf } from "../policies/index.ts";
import { ESCALATION_QUEUES, formatUsd } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ClassifiedBreak } from "../types.ts";

const Value = z.union([z.string().max(1_000), z.number().finite()]);
const ClassifierAnswer = z.object({
  exceptionClass: z.enum([
    "booking_error",
    "duplicate_booking",
    "broker_error",
    "disputed",
    "side_dispute",
    "settlement_risk",
    "unconfirmed",
    "unknown_trade",
    "cancellation",
    "market_data",
  ]),
  severity: z.enum(["low", "medium", "high"]),
  impactUsd: z.number().finite().nonnegative(),
  faultSide: z.enum(["internal", "broker", "data", "unknown"]),
  fixable: z.boolean(),
  fix: z
    .object({
      action: z.enum(AMENDMENT_ACTIONS),
      tradeId: z.string().min(1).max(128),
      changes: z
        .array(z.object({ field: z.string().min(1).max(100), from: Value, to: Value }))
        .min(1)
        .max(10),
      rationale: z.string().min(1).max(2_000),
    })
    .nullable(),
  nextAction: z.string().min(1).max(2_000),
  evidence: z.array(z.string().max(2_000)).max(20),
});

/**
 * The classifier agent establishes the facts behind the break — exception class, severity,
 * US dollars at stake, whose fault, and the fix where one of ours is proven — from the trade, its
 * confirmations, the market close, the settlement convention and the trades like it. An unusable
 * answer is classified high severity with no fix, so the break goes to people, never to a fix.
 */
export async function classify(state: TriageStateValue): Promise<TriageUpdate> {
  const exception = state.exception;
  if (!exception) return {};
  const store = await storeOfRun(state, "classify");
  const subject = subjectOf(exception);
  const task: ClassifierTask = { ...subject, notional: exception.notional, currency: exception.currency };
  const run = await triageAgent("triage.classifier", store).invoke(JSON.stringify(task));
  const result = answerOf(run, ClassifierAnswer);
  const facts = result.ok
    ? result.value
    : {
        exceptionClass: "disputed" as const,
        severity: "high" as const,
        impactUsd: exception.notional,
        faultSide: "unknown" as const,
        fixable: false,
        fix: null,
        nextAction: `Triage ${exception.breakId} by hand: ${exception.detail}`,
        evidence: [`no usable classification: ${result.error}`],
      };
  // A fix must act on the break's own booking; anything else is not the fix the rules prove.
  const fix = facts.fix && facts.fix.tradeId === subject.primaryTradeId ? facts.fix : null;
  const classification: ClassifiedBreak = {
    breakId: exception.breakId,
    category: exception.category,
    tradeIds: exception.tradeIds,
    confirmationIds: exception.confirmationIds,
    primaryTradeId: subject.primaryTradeId,
    instrumentId: exception.instrumentId,
    desk: exception.desk ?? "",
    counterparty: exception.counterparty ?? "",
    exceptionClass: facts.exceptionClass,
    severity: facts.severity,
    notional: exception.notional,
    currency: exception.currency,
    impactUsd: facts.impactUsd,
    faultSide: facts.faultSide,
    fixable: facts.fixable && fix !== null,
    fix,
    nextAction: facts.nextAction,
    evidence: facts.evidence,
  };
  return {
    classification,
    classifierMemory: [run],
    steps: [
      {
        node: "classify",
        did: `${classification.category} → ${classification.exceptionClass.replaceAll("_", " ")}: ${classification.severity} severity, ${formatUsd(classification.impactUsd)} notional, fault ${classification.faultSide}, ${fix ? `fix: ${fix.action}` : `no fix of ours (${ESCALATION_QUEUES[classification.category]}: ${classification.nextAction})`}`,
        toolCalls: run.toolCalls.length,
      },
    ],
  };
}
