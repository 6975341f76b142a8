import { now } from "#core";
import { announceDeadlineHold, announceTimeToDeadline } from "#engine";
import { timeToCutoff } from "#trading";
import { countedTools, storeOfRun } from "../day.ts";
import { ESCALATION_QUEUES } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { Escalation } from "../types.ts";

/**
 * Hands the break to a queue of people with the reason, the next action and the context they
 * need to pick it up — the booking's account and when it was booked (`get_trade`), or for a
 * break about a confirmation alone, the confirmation's (`get_confirmation`): the decision's queue
 * when it names one (Compliance, a desk head, manual triage, settlements for a break held before
 * its cut-off — announced as an alert too), else the team that owns the category.
 */
export async function escalate(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c) return {};
  const store = await storeOfRun(state, "escalate");
  const { tools, calls } = countedTools("escalator", store);
  const tradeId = c.primaryTradeId ?? c.tradeIds[0];
  const confirmationId = c.confirmationIds[0];
  let account = "";
  let since = "";
  if (tradeId) {
    const trade = await tools.get_trade.invoke({ tradeId });
    account = trade.account;
    since = trade.bookedAt;
  } else if (confirmationId) {
    const confirmation = await tools.get_confirmation.invoke({ confirmationId });
    account = confirmation.account;
    since = confirmation.receivedAt;
  }
  const escalation: Escalation = {
    breakId: c.breakId,
    category: c.category,
    exceptionClass: c.exceptionClass,
    severity: c.severity,
    tradeIds: c.tradeIds,
    confirmationIds: c.confirmationIds,
    desk: c.desk,
    counterparty: c.counterparty,
    queue: state.decision?.queue ?? ESCALATION_QUEUES[c.category],
    reason: state.decision?.reason ?? "no routing decision",
    nextAction: c.nextAction,
    impactUsd: c.impactUsd,
    account,
    since,
    ...(state.decision?.hold ? { hold: state.decision.hold } : {}),
  };
  await announceTimeToDeadline({ [timeToCutoff(state.deadline ?? undefined, now()).bucket]: 1 });
  // A break held before its cut-off is an alert, not only a queue entry: someone must act now.
  if (escalation.hold) {
    await announceDeadlineHold({
      node: escalation.hold.node,
      subject: escalation.hold.tradeId,
      deadline: { at: escalation.hold.at, label: `${escalation.hold.cutoff}, ${escalation.hold.local}` },
      reason: escalation.reason,
    });
  }
  return {
    escalation,
    steps: [{ node: "escalate", did: `to ${escalation.queue}: ${escalation.reason}`, toolCalls: calls() }],
  };
}
