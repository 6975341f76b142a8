import { z } from "zod";
import { answerOf, triageAgent } from "../agents.ts";
import { storeOfRun } from "../day.ts";
import type { ComplianceTask } from "../policies/index.ts";
import { decideRoute } from "../routing.ts";
import type { TriageStateValue, TriageUpdate } from "../state.ts";
import type { ComplianceVerdict } from "../types.ts";

const ComplianceAnswer = z.object({
  status: z.enum(["clear", "approval_required", "blocked"]),
  reasons: z.array(z.string().max(2_000)).min(1).max(20),
});

/**
 * The compliance agent's verdict on fixing this break, then THE ROUTING RULE over the three
 * agents' findings (`decideRoute`), so the conditional edge only reads the decision. No usable
 * verdict blocks: a control that cannot answer does not clear.
 */
export async function complianceCheck(state: TriageStateValue): Promise<TriageUpdate> {
  const c = state.classification;
  if (!c || !state.risk) return {};
  const store = await storeOfRun(state, "compliance_check");
  const task: ComplianceTask = {
    breakId: c.breakId,
    category: c.category,
    primaryTradeId: c.primaryTradeId,
    confirmationIds: c.confirmationIds.slice(0, 20),
    impactUsd: c.impactUsd,
    fixAction: c.fix?.action ?? null,
  };
  const run = await triageAgent("triage.compliance", store).invoke(JSON.stringify(task));
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
