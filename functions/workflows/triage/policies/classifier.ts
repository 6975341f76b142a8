import { definePolicy, readConversation } from "#models";
import type { UsdRateRecord } from "#tools";
import { severityOf } from "../routing.ts";
import { type BreakSubject, gather, lookupsFor } from "./facts.ts";
import { judge, show } from "./judge.ts";
import { answer } from "./read.ts";

/** What the classify node hands the classifier: the break, the booking it acts on, its size. */
export interface ClassifierTask extends BreakSubject {
  readonly notional: number;
  readonly currency: string;
}

/**
 * `triage.classifier`, offline: every lookup the break's category turns on (`lookupsFor`) and
 * the dollar rate of its currency, in one turn; then the category rules (`judge`) over the
 * answers: the exception class, whose fault, the fix where one of ours is proven, the next
 * action, and the severity from the category and the notional in US dollars.
 */
export const classifierPolicy = definePolicy("triage.classifier", (messages) => {
  const { subject, calls } = readConversation(messages);
  const task = subject as unknown as ClassifierTask;
  const got = gather(calls, lookupsFor(task, { usdRateOf: task.currency }));
  if ("ask" in got) return { toolCalls: got.ask };
  const verdict = judge(task, got.answers);
  if ("error" in verdict) return answer({ error: verdict.error });
  const rate = got.answers.usdRate;
  const usdPerUnit =
    task.currency === "USD" ? 1 : rate?.ok ? ((rate.value as UsdRateRecord).usdPerUnit ?? null) : null;
  const impactUsd = Math.round(task.notional * (usdPerUnit ?? 1));
  const sized =
    task.currency === "USD"
      ? `notional ${show(task.notional)} USD`
      : usdPerUnit === null
        ? `notional ${show(task.notional)} ${task.currency}, taken at face value: no FX close of the day prices ${task.currency} against USD`
        : `notional ${show(task.notional)} ${task.currency} = ${show(impactUsd)} USD at ${show(usdPerUnit)}`;
  return answer({
    exceptionClass: verdict.exceptionClass,
    severity: severityOf(task.category, impactUsd),
    impactUsd,
    usdPerUnit,
    faultSide: verdict.faultSide,
    fixable: verdict.fix !== null,
    fix: verdict.fix,
    nextAction: verdict.nextAction,
    evidence: [...verdict.evidence, sized],
  });
});
