import { definePolicy, readConversation } from "#models";
import type { DeskExposureRecord, PositionRecord } from "#tools";
import type { DeskLimit } from "../limits.ts";
import { gather } from "./facts.ts";
import { answer } from "./read.ts";

/** What the risk node hands the risk agent: the break's desk, instrument and size, and the desk's limits. */
export interface RiskTask {
  readonly breakId: string;
  /** "" when the break names no desk (an unknown confirmation): nothing held to measure. */
  readonly desk: string;
  readonly instrumentId: string;
  readonly impactUsd: number;
  readonly limits: DeskLimit;
}

/**
 * `triage.risk`, offline: the desk's net position in the instrument and its gross exposure
 * (`get_position`, `get_desk_exposure`: the day's active trades valued at the latest closes, in
 * US dollars), then the break's impact against the desk's limits: the gross limit with the impact
 * added, and the single-trade limit. An instrument the day does not know is a flat position; a
 * desk the tools cannot measure is no answer (the node treats it as a breach).
 */
export const riskPolicy = definePolicy("triage.risk", (messages) => {
  const { subject, calls } = readConversation(messages);
  const task = subject as unknown as RiskTask;
  const { desk, instrumentId, impactUsd, limits } = task;
  let position: PositionRecord | undefined;
  let grossUsd = 0;
  if (desk) {
    const got = gather(calls, {
      position: { name: "get_position", args: { desk, instrumentId } },
      exposure: { name: "get_desk_exposure", args: { desk } },
    });
    if ("ask" in got) return { toolCalls: got.ask };
    const { exposure, position: held } = got.answers;
    if (!exposure?.ok) return answer({ error: exposure?.error ?? "no exposure" });
    grossUsd = (exposure.value as DeskExposureRecord).grossUsd;
    position = held?.ok ? (held.value as PositionRecord) : undefined;
  }
  return answer({
    positionQuantity: position?.netQuantity ?? 0,
    positionUsd: position?.marketValueUsd ?? 0,
    grossUsd,
    limitUsd: limits.grossUsd,
    singleTradeLimitUsd: limits.singleTradeUsd,
    headroomUsd: Math.round((limits.grossUsd - grossUsd) * 100) / 100,
    wouldBreach: grossUsd + impactUsd > limits.grossUsd,
    exceedsSingleTradeLimit: impactUsd > limits.singleTradeUsd,
  });
});
