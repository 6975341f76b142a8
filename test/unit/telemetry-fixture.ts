import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";
import { createToolAgent } from "#agents";
import { readEnv } from "#config";
import { defineWorkflow, type WorkflowDefinition } from "#engine";
import { createChatModel, PolicyRegistry } from "#models";
import { tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { specialistTools } from "#workflows";

/**
 * A small agent workflow for telemetry tests: `research` runs a real tool-calling agent (the
 * offline policy model, real trading tools), `flaky` throws on its first attempt and succeeds
 * on the retry (a node retry and a node error to observe), `report` ends it.
 *
 *   START → research → flaky → report → END
 */
export function agentWorkflow(options: { failures?: number; name?: string } = {}): WorkflowDefinition {
  const { day } = generateDay({ seed: 11, trades: 120 });
  const trade = day.trades[0];
  if (!trade) throw new Error("the generated day has no trades");
  let failuresLeft = options.failures ?? 1;
  const State = Annotation.Root({
    notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const graph = new StateGraph(State)
    .addNode("research", async () => {
      const agent = createToolAgent({
        name: "classifier",
        model: createChatModel(readEnv({}), { agent: "classifier", policies: new PolicyRegistry() }),
        tools: Object.values(specialistTools("pricing", tradingDayStore(day))),
        systemPrompt: "Gather the facts behind the break.",
      });
      const run = await agent.invoke(JSON.stringify({ tradeId: trade.tradeId }));
      return { notes: [`researched with ${run.toolCalls.length} tool calls`] };
    })
    .addNode(
      "flaky",
      () => {
        if (failuresLeft-- > 0) throw Object.assign(new Error("upstream timed out"), { code: "Test.Flaky" });
        return { notes: ["flaky succeeded"] };
      },
      { retryPolicy: { maxAttempts: 3, initialInterval: 1, jitter: false } },
    )
    .addNode("report", () => ({ notes: ["reported"] }))
    .addEdge(START, "research")
    .addEdge("research", "flaky")
    .addEdge("flaky", "report")
    .addEdge("report", END);
  return defineWorkflow({ name: options.name ?? "agent-demo", graph, input: z.object({}) });
}
