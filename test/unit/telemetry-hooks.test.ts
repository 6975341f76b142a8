import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createToolAgent } from "#agents";
import {
  announceDeadlineHold,
  announceTimeToDeadline,
  defineWorkflow,
  type EngineObserver,
  runInProcessWith,
  type WorkflowDefinition,
} from "#engine";
import { OfflinePolicyModel } from "#models";
import { CATALOG, createTelemetry, GENAI, PrometheusRegistry } from "#telemetry";
import { tradingDayStore } from "#tools";
import { generateDay } from "#trading/generate";
import { specialistTools } from "#workflows";
import { agentWorkflow } from "./telemetry-fixture.ts";

/** The names of the handlers LangChain would call: a manager's, or a plain list's. */
function handlerNames(callbacks: unknown): string[] {
  if (callbacks === undefined || callbacks === null) return [];
  const list = Array.isArray(callbacks)
    ? callbacks
    : ((callbacks as { handlers?: unknown[] }).handlers ?? []);
  return list.map((h) => (h as { name?: string }).name ?? "?");
}

/** What the graph and the model were handed, seen from inside: a node's config, the model's run manager. */
interface Seen {
  node: string[][];
  model: string[][];
}

/** The offline model, noting the handlers of every call's run manager (none: no run was built). */
class HandlerSeeingModel extends OfflinePolicyModel {
  constructor(private readonly seen: Seen) {
    super({ agent: "classifier" });
  }
  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ) {
    this.seen.model.push(handlerNames(runManager?.handlers));
    return super._generate(messages, options, runManager);
  }
}

/** START → research (a tool agent on the seeing model) → END; the node notes its callbacks. */
function seeingWorkflow(seen: Seen): WorkflowDefinition {
  const { day } = generateDay({ seed: 11, trades: 60 });
  const trade = day.trades[0];
  if (!trade) throw new Error("the generated day has no trades");
  const State = Annotation.Root({
    notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const graph = new StateGraph(State)
    .addNode("research", async (_state: unknown, config: RunnableConfig) => {
      seen.node.push(handlerNames(config.callbacks));
      const agent = createToolAgent({
        name: "classifier",
        model: new HandlerSeeingModel(seen),
        tools: Object.values(specialistTools("pricing", tradingDayStore(day))),
      });
      const run = await agent.invoke(JSON.stringify({ tradeId: trade.tradeId }));
      return { notes: [`${run.toolCalls.length} tool calls`] };
    })
    .addEdge(START, "research")
    .addEdge("research", END);
  return defineWorkflow({ name: "seeing", graph, input: z.object({}) });
}

/** A handler of the test's own, counting the model and tool calls LangChain reports. */
class CallCounter extends BaseCallbackHandler {
  readonly name = "call-counter";
  chats = 0;
  tools = 0;
  override handleChatModelStart() {
    this.chats++;
  }
  override handleToolStart() {
    this.tools++;
  }
}

/** A Prometheus sample's value, or 0 when the series is absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("telemetry hooks: no callback handler unless spans go somewhere", () => {
  it("attaches no handler when nothing exports or captures spans: the graph and the model get none", async () => {
    // Prepare
    const telemetry = createTelemetry({ prometheus: new PrometheusRegistry(), logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: true, workflow: "seeing" });
    const seen: Seen = { node: [], model: [] };

    // Act
    const result = await runInProcessWith(seeingWorkflow(seen), {}, { saver: new MemorySaver(), ...hooks });

    // Assess
    expect(result.status).toBe("succeeded");
    expect(telemetry.spans).toBe(false);
    expect(hooks.callbacks).toBeUndefined();
    expect(seen.node).toEqual([[]]);
    expect(seen.model.length).toBeGreaterThanOrEqual(2);
    expect(seen.model.every((handlers) => handlers.length === 0)).toBe(true);
  });

  it("attaches no handler when spans are captured either: the spans come from the observer", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: true, workflow: "seeing" });
    const seen: Seen = { node: [], model: [] };

    // Act
    await runInProcessWith(seeingWorkflow(seen), {}, { saver: new MemorySaver(), ...hooks });
    await telemetry.flush();

    // Assess
    expect(telemetry.spans).toBe(true);
    expect(hooks.callbacks).toBeUndefined();
    expect(seen.node).toEqual([[]]);
    expect(seen.model.length).toBeGreaterThanOrEqual(2);
    expect(seen.model.every((handlers) => handlers.length === 0)).toBe(true);
    const names = (telemetry.capture?.spans() ?? []).map((s) => s.name);
    expect(names.filter((n) => n === "chat switchyard-offline-policy")).toHaveLength(seen.model.length);
    expect(names).toContain("invoke_agent research");
  });

  it("builds no span when nothing exports: the tracer is a no-op", () => {
    const telemetry = createTelemetry({ logLevel: "SILENT" });
    const span = telemetry.tracing.tracer.startSpan("invoke_workflow x");
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(telemetry.tracing.finishedSpans()).toEqual([]);
  });
});

describe("telemetry hooks without a handler: the observer counts", () => {
  it("counts the run, its nodes, model calls, tokens and tool calls from the engine and the agents", async () => {
    // Prepare
    const prometheus = new PrometheusRegistry();
    const telemetry = createTelemetry({ prometheus, logLevel: "SILENT" });
    const counter = new CallCounter();
    // The test's own handler sees the calls LangChain makes; telemetry attaches none of its own.
    const hooks = telemetry.hooks({ rootIsRun: true, workflow: "agent-demo" });

    // Act
    const result = await runInProcessWith(
      agentWorkflow(),
      {},
      {
        saver: new MemorySaver(),
        observer: hooks.observer,
        callbacks: [counter],
      },
    );
    await telemetry.flush();

    // Assess
    expect(result.status).toBe("succeeded");
    const text = prometheus.render();
    expect(sample(text, 'switchyard_runs_started_total{workflow="agent-demo"}')).toBe(1);
    expect(sample(text, 'switchyard_runs_succeeded_total{workflow="agent-demo"}')).toBe(1);
    // research, flaky (its retry is inside LangGraph's loop: one task) and report.
    expect(
      sample(text, 'switchyard_node_duration_milliseconds_count{workflow="agent-demo",node="research"}'),
    ).toBe(1);
    expect(
      sample(text, 'switchyard_node_duration_milliseconds_count{workflow="agent-demo",node="flaky"}'),
    ).toBe(1);
    expect(
      sample(text, 'switchyard_node_duration_milliseconds_count{workflow="agent-demo",node="report"}'),
    ).toBe(1);
    const model = 'model="switchyard-offline-policy"';
    expect(counter.chats).toBeGreaterThanOrEqual(2);
    expect(sample(text, `switchyard_model_requests_total{${model},status="ok"}`)).toBe(counter.chats);
    expect(sample(text, `switchyard_token_usage_total{${model},token_type="input"}`)).toBeGreaterThan(0);
    expect(counter.tools).toBeGreaterThanOrEqual(1);
    const toolCalls = text
      .split("\n")
      .filter((l) => l.startsWith("switchyard_tool_calls_total{"))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    expect(toolCalls).toBe(counter.tools);
    expect(sample(text, 'switchyard_tool_calls_total{tool="get_trade",status="ok"}')).toBe(1);
  });

  it("counts a failed in-process run failed, with its error", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: true, workflow: "agent-demo" });

    // Act
    const result = await runInProcessWith(
      agentWorkflow({ failures: 5 }),
      {},
      { saver: new MemorySaver(), ...hooks },
    );
    await telemetry.flush();

    // Assess
    const m = telemetry.capture?.metrics;
    expect(result.status).toBe("failed");
    expect(m?.sum(CATALOG.runsFailed, { Workflow: "agent-demo" })).toBe(1);
    expect(m?.sum(CATALOG.runsSucceeded)).toBe(0);
    expect(m?.sum(CATALOG.nodeErrors, { Node: "flaky" })).toBe(1);
    const [run] = (telemetry.capture?.spans() ?? []).filter((s) => s.name === "invoke_workflow agent-demo");
    expect(run?.attributes[GENAI.errorType]).toBe("Test.Flaky");
  });
});

describe("telemetry hooks with spans: the observer makes spans and counts once", () => {
  const byName = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
  const parentOf = (spans: readonly ReadableSpan[], span: ReadableSpan | undefined) =>
    spans.find((s) => s.spanContext().spanId === span?.parentSpanContext?.spanId);

  it("keeps the GenAI spans and their parents, and counts each model and tool call once", async () => {
    // Prepare
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });
    const hooks = telemetry.hooks({ rootIsRun: true, workflow: "agent-demo" });
    const counter = new CallCounter();

    // Act
    const result = await runInProcessWith(
      agentWorkflow(),
      {},
      {
        saver: new MemorySaver(),
        observer: hooks.observer,
        callbacks: [...(hooks.callbacks ?? []), counter],
      },
    );
    await telemetry.flush();

    // Assess
    expect(result.status).toBe("succeeded");
    const spans = telemetry.capture?.spans() ?? [];
    const [workflowSpan] = byName(spans, "invoke_workflow agent-demo");
    expect(workflowSpan?.attributes[GENAI.operationName]).toBe("invoke_workflow");
    const [research] = byName(spans, "invoke_agent research");
    expect(parentOf(spans, research)).toBe(workflowSpan);
    const chats = byName(spans, "chat switchyard-offline-policy");
    expect(chats).toHaveLength(counter.chats);
    for (const chat of chats) {
      expect(parentOf(spans, chat)).toBe(research);
      expect(chat.attributes).toMatchObject({
        [GENAI.operationName]: "chat",
        [GENAI.providerName]: "switchyard.offline",
        [GENAI.requestModel]: "switchyard-offline-policy",
        [GENAI.responseModel]: "switchyard-offline-policy",
      });
      expect(chat.attributes[GENAI.inputTokens]).toBeGreaterThan(0);
      expect(chat.attributes[GENAI.outputTokens]).toBeGreaterThan(0);
    }
    const [tool] = byName(spans, "execute_tool get_trade");
    expect(tool?.attributes[GENAI.toolName]).toBe("get_trade");
    expect(tool?.attributes[GENAI.toolCallId]).toEqual(expect.any(String));
    expect(parentOf(spans, tool)).toBe(research);
    // The node spans say where they ran: the task and the superstep (LangGraph's step numbers).
    expect(research?.attributes).toMatchObject({
      [GENAI.operationName]: "invoke_agent",
      [GENAI.agentName]: "research",
      "switchyard.workflow": "agent-demo",
      "switchyard.node": "research",
      "switchyard.step": 1,
    });
    expect(research?.attributes["switchyard.task.id"]).toEqual(expect.any(String));
    const [report] = byName(spans, "invoke_agent report");
    expect(report?.attributes["switchyard.step"]).toBe(3);
    // LangGraph retried flaky inside its loop: one span per attempt, the first failed with its code.
    const flaky = byName(spans, "invoke_agent flaky");
    expect(flaky.map((s) => s.attributes[GENAI.errorType])).toEqual(["Test.Flaky", undefined]);
    expect(flaky.map((s) => s.attributes["switchyard.task.id"])).toEqual([
      flaky[1]?.attributes["switchyard.task.id"],
      flaky[0]?.attributes["switchyard.task.id"],
    ]);
    // Counted once, by the observer: no handler at all.
    const m = telemetry.capture?.metrics;
    expect(m?.sum(CATALOG.modelRequests, { Status: "ok" })).toBe(counter.chats);
    expect(m?.sum(CATALOG.toolCalls)).toBe(counter.tools);
    expect(m?.sum(CATALOG.runsStarted)).toBe(1);
    expect(m?.sum(CATALOG.runsSucceeded)).toBe(1);
    // The run's span carries the tokens the observer added up from the same calls.
    const inputTokens = chats.reduce((n, c) => n + Number(c.attributes[GENAI.inputTokens]), 0);
    expect(workflowSpan?.attributes[GENAI.inputTokens]).toBe(inputTokens);
  });
});

describe("the observer's scope", () => {
  it("reaches the agents of a run only: two runs at once report under their own threads", async () => {
    // Prepare
    const threads: string[] = [];
    const observer: EngineObserver = { onModelCall: (e) => void threads.push(e.threadId) };

    // Act
    await Promise.all(
      ["t-1", "t-2"].map((threadId) =>
        runInProcessWith(
          agentWorkflow({ failures: 0 }),
          {},
          { saver: new MemorySaver(), threadId, observer },
        ),
      ),
    );

    // Assess
    expect(new Set(threads)).toEqual(new Set(["t-1", "t-2"]));
    expect(threads.filter((t) => t === "t-1").length).toBe(threads.filter((t) => t === "t-2").length);
  });
});

describe("the workflows' deadline events without a handler", () => {
  it("counts a hold and the exceptions by time to cut-off, and logs the hold at ERROR", async () => {
    // Prepare
    const prometheus = new PrometheusRegistry();
    const noop = createTelemetry({ prometheus, logLevel: "SILENT" });
    const errors = vi.spyOn(noop.logger, "error");
    const State = Annotation.Root({ done: Annotation<boolean>() });
    const deadline = { at: "2026-11-24T21:00:00Z", label: "DTC affirmation (trade T1)" };
    const graph = new StateGraph(State)
      .addNode("escalate", async () => {
        await announceDeadlineHold({ node: "escalate", subject: "T1", deadline, reason: "too close" });
        await announceTimeToDeadline({ under_1h: 2, past: 0 });
        return { done: true };
      })
      .addEdge(START, "escalate")
      .addEdge("escalate", END);
    const workflow = defineWorkflow({ name: "holding", graph, input: z.object({}) });
    const hooks = noop.hooks({ rootIsRun: true, workflow: "holding" });

    // Act
    await runInProcessWith(workflow, {}, { saver: new MemorySaver(), ...hooks });

    // Assess
    expect(hooks.callbacks).toBeUndefined();
    const text = prometheus.render();
    expect(sample(text, 'switchyard_deadline_holds_total{workflow="holding"}')).toBe(1);
    expect(text).toMatch(
      /switchyard_exceptions_by_time_to_cutoff\S*\{workflow="holding",bucket="under_1h"\} 2/,
    );
    expect(text).not.toMatch(/bucket="past"/);
    const holds = errors.mock.calls.filter(([message]) => message === "work held before its deadline");
    expect(holds).toHaveLength(1);
    expect(holds[0]?.[1]).toMatchObject({ alert: "DeadlineHold", subject: "T1", deadline: deadline.label });
  });
});
