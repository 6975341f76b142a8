import { z } from "zod";
import { answerOf, triageAgent } from "../agents.ts";
import { storeOfRun } from "../day.ts";
import { deskLimitOf } from "../limits.ts";
import type { RiskTask } from "../policies/index.ts";
import { formatUsd } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { RiskAssessment } from "../types.ts";

const RiskAnswer = z.object({
  positionQuantity: z.number().finite(),
  positionUsd: z.number().finite(),
  grossUsd: z.number().finite().nonnegative(),
  limitUsd: z.number().finite(),
  singleTradeLimitUsd: z.number().finite(),
  headroomUsd: z.number().finite(),
  wouldBreach: z.boolean(),
  exceedsSingleTradeLimit: z.boolean(),
});

/**
 * The risk agent weighs the break against its desk's position and limits: the desk's net
 * position in the instrument and its gross exposure, from the day's active trades valued at the
 * latest closes in US dollars (`get_position`, `get_desk_exposure`), against the desk's row of
 * {@link DESK_LIMITS}. Without a usable answer the break is treated as a breach: unknown risk is
 * never auto-fixed.
 */
export async function riskCheck(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c) return {};
  const store = await storeOfRun(state, "risk_check");
  const limits = deskLimitOf(c.desk);
  const task: RiskTask = {
    breakId: c.breakId,
    desk: c.desk,
    instrumentId: c.instrumentId,
    impactUsd: c.impactUsd,
    limits,
  };
  const run = await triageAgent("triage.risk", store).invoke(JSON.stringify(task));
  const result = answerOf(run, RiskAnswer);
  const risk: RiskAssessment = {
    breakId: c.breakId,
    desk: c.desk,
    ...(result.ok
      ? result.value
      : {
          positionQuantity: 0,
          positionUsd: 0,
          grossUsd: 0,
          limitUsd: limits.grossUsd,
          singleTradeLimitUsd: limits.singleTradeUsd,
          headroomUsd: 0,
          wouldBreach: true,
          exceedsSingleTradeLimit: true,
        }),
  };
  return {
    risk,
    riskMemory: [run],
    steps: [
      {
        node: "risk_check",
        did: result.ok
          ? `${c.desk || "no desk"}: position ${risk.positionQuantity.toLocaleString("en-US")} (${formatUsd(risk.positionUsd)}), gross ${formatUsd(risk.grossUsd)} of ${formatUsd(risk.limitUsd)}; ${formatUsd(c.impactUsd)} ${risk.wouldBreach ? "would breach" : "within"} the gross limit, ${risk.exceedsSingleTradeLimit ? "over" : "within"} the single-trade limit of ${formatUsd(risk.singleTradeLimitUsd)}`
          : `no usable risk answer (${result.error}): treated as a breach`,
        toolCalls: run.toolCalls.length,
      },
    ],
  };
}
