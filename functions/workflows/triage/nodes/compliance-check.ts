import { z } from "zod";
import { answerOf, triageAgent } from "../agents.ts";
import { decideRoute } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ComplianceVerdict } from "../types.ts";

const ComplianceAnswer = z.object({
  status: z.enum(["clear", "approval_required", "blocked"]),
  reasons: z.array(z.string()).min(1),
});

/**
 * The compliance agent's verdict on amending this break, then THE ROUTING RULE over the three
 * agents' findings (`decideRoute`), so the conditional edge only reads the decision. No usable
 * verdict blocks: a control that cannot answer does not clear.
 */
export async function complianceCheck(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c || !state.risk) return {};
  const task = {
    breakId: c.breakId,
    kind: c.kind,
    primaryTradeId: c.primaryTradeId,
    tradeIds: c.tradeIds,
    impactUsd: c.impactUsd,
  };
  const run = await triageAgent("triage.compliance", state.dataset).invoke(JSON.stringify(task));
  const result = answerOf(run, ComplianceAnswer);
  const compliance: ComplianceVerdict = {
    breakId: c.breakId,
    ...(result.ok
      ? result.value
      : { status: "blocked" as const, reasons: [`no usable verdict: ${result.error}`] }),
  };
  const decision = decideRoute(c, state.risk, compliance);
  return {
    compliance,
    decision,
    complianceMemory: [run],
    steps: [
      {
        node: "compliance_check",
        did: `${compliance.status.replaceAll("_", " ")} (${compliance.reasons.join("; ")}); route ${decision.route}: ${decision.reason}`,
        toolCalls: run.toolCalls.length,
      },
    ],
  };
}
