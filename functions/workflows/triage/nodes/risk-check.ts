import { z } from "zod";
import { answerOf, triageAgent } from "../agents.ts";
import { formatUsd } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { RiskAssessment } from "../types.ts";

const RiskAnswer = z.object({
  positionQuantity: z.number(),
  limitUsd: z.number(),
  headroomUsd: z.number(),
  wouldBreach: z.boolean(),
  exceedsSingleTradeLimit: z.boolean(),
});

/**
 * The risk agent weighs the break against the desk's position and limits (`get_position`,
 * `check_limit`). Without a usable answer the break is treated as a breach: unknown risk is
 * never auto-fixed.
 */
export async function riskCheck(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c) return {};
  const task = { breakId: c.breakId, desk: c.desk, instrumentId: c.instrumentId, impactUsd: c.impactUsd };
  const run = await triageAgent("triage.risk", state.dataset).invoke(JSON.stringify(task));
  const result = answerOf(run, RiskAnswer);
  const risk: RiskAssessment = {
    breakId: c.breakId,
    ...(result.ok
      ? result.value
      : {
          positionQuantity: 0,
          limitUsd: 0,
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
          ? `${c.desk}: headroom ${formatUsd(risk.headroomUsd)}; ${risk.wouldBreach ? "would breach" : "within"} the gross limit, ${risk.exceedsSingleTradeLimit ? "over" : "within"} the single-trade limit`
          : `no usable risk answer (${result.error}): treated as a breach`,
        toolCalls: run.toolCalls.length,
      },
    ],
  };
}
