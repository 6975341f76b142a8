import { definePolicy, readConversation } from "#models";
import type { LimitCheck, PositionView } from "#tools";
import { answer, called, errorsOf, resultOf } from "./read.ts";

/**
 * `triage.risk`, offline: the desk's position in the instrument and its limits with the break's
 * impact added; answers with what the two tools said.
 */
export const riskPolicy = definePolicy("triage.risk", (messages) => {
  const { subject, calls } = readConversation(messages);
  const { desk, instrumentId, impactUsd } = subject as {
    desk: string;
    instrumentId: string;
    impactUsd: number;
  };
  if (!called(calls, "check_limit")) {
    return {
      toolCalls: [
        { name: "get_position", args: { desk, instrumentId } },
        { name: "check_limit", args: { desk, additionalNotionalUsd: impactUsd } },
      ],
    };
  }
  const limit = resultOf<LimitCheck>(calls, "check_limit");
  if (!limit) return answer({ error: errorsOf(calls).join("; ") });
  return answer({
    positionQuantity: resultOf<PositionView>(calls, "get_position")?.quantity ?? 0,
    limitUsd: limit.limitUsd,
    headroomUsd: limit.headroomUsd,
    wouldBreach: limit.wouldBreach,
    exceedsSingleTradeLimit: limit.exceedsSingleTradeLimit,
  });
});
