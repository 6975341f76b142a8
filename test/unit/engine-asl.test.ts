import { describe, expect, it } from "vitest";
import {
  buildStateMachine,
  createEngineSteps,
  type Hosting,
  LAMBDA_SERVICE_RETRY,
  NON_RETRYABLE,
  NON_RETRYABLE_CODES,
  resolveDefinition,
  runStateName,
  type WorkflowDefinition,
} from "#engine";
import { getWorkflow } from "#workflows";
import { fanOutWorkflow, pricingDownWorkflow, retryWorkflow } from "../fixtures/graphs.ts";

/** The state-machine builder, as pure logic: what CDK deploys and the local runner interprets. */
type State = Record<string, unknown> & { Type: string };
const states = (wf: WorkflowDefinition) => buildStateMachine(wf).definition.States as Record<string, State>;
const itemStates = (wf: WorkflowDefinition) =>
  (states(wf).RunTasks as unknown as { ItemProcessor: { States: Record<string, State> } }).ItemProcessor
    .States;

describe("buildStateMachine", () => {
  it("maps a node's LangGraph retryPolicy to its ASL Retry (attempts − 1, whole seconds, jitter)", () => {
    const retries = itemStates(retryWorkflow())[runStateName("fetch_price")]?.Retry as object[];

    expect(retries[0]).toEqual({ ErrorEquals: [...NON_RETRYABLE_CODES], MaxAttempts: 0 });
    expect(retries[1]).toEqual(LAMBDA_SERVICE_RETRY);
    expect(retries[2]).toEqual({
      ErrorEquals: ["States.ALL"],
      IntervalSeconds: 1,
      MaxAttempts: 2,
      BackoffRate: 2,
      MaxDelaySeconds: 128,
      JitterStrategy: "NONE",
    });
  });

  it("never retries what a node's retryOn refused (one code), ahead of its retry", () => {
    const triage = getWorkflow("triage");

    const retries = itemStates(triage)[runStateName("human_approval")]?.Retry as {
      ErrorEquals: string[];
      MaxAttempts: number;
    }[];

    const fatal = retries.findIndex((r) => r.ErrorEquals.includes(NON_RETRYABLE));
    const any = retries.findIndex((r) => r.ErrorEquals.includes("States.ALL"));
    expect(retries[fatal]?.MaxAttempts).toBe(0);
    expect(fatal).toBeLessThan(any);
  });

  it("gives a node without a retry policy no Retry of its own, only the Lambda service retrier", () => {
    const retries = itemStates(fanOutWorkflow())[runStateName("match")]?.Retry as object[];

    expect(retries).toEqual([
      { ErrorEquals: [...NON_RETRYABLE_CODES], MaxAttempts: 0 },
      LAMBDA_SERVICE_RETRY,
    ]);
  });

  it("bounds every Task with TimeoutSeconds and catches every node failure inside the Map", () => {
    const wf = fanOutWorkflow();
    const tasks = [...Object.values(states(wf)), ...Object.values(itemStates(wf))].filter(
      (s) => s.Type === "Task",
    );

    expect(tasks.length).toBeGreaterThan(3);
    for (const task of tasks) expect(task.TimeoutSeconds).toBeGreaterThan(0);
    expect(itemStates(wf)[runStateName("match")]?.Catch).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "TaskFailed" },
    ]);
  });

  it("caps the inline Map at 40 concurrent tasks", () => {
    const spec = buildStateMachine(fanOutWorkflow(), { maxConcurrency: 500 });

    expect(
      (spec.definition.States as Record<string, { MaxConcurrency?: number }>).RunTasks?.MaxConcurrency,
    ).toBe(40);
  });

  it("leaves LangGraph's generated error-handler nodes to commit: no Lambda of their own", () => {
    const spec = buildStateMachine(pricingDownWorkflow());

    expect(spec.functions.map((f) => f.node ?? f.role).sort()).toEqual(
      ["auto_fix", "commit", "escalate", "intake", "positions", "pricing", "start"].sort(),
    );
  });

  it.each<[Hosting, string[]]>([
    ["per-node", ["RunTasks", "Commit"]],
    ["per-superstep", ["RunSuperstep"]],
    ["per-graph", ["RunGraph"]],
  ])("loops through %s hosting's states", (hosting, loop) => {
    const names = Object.keys(states(fanOutWorkflow(hosting)));

    for (const name of ["Start", "Route", "Waiting", "Done", "RunFailed", "NotifyFailure", ...loop])
      expect(names).toContain(name);
  });

  it("fails a run with the task's own code and a JSON cause", () => {
    expect(states(fanOutWorkflow()).RunFailed).toEqual({
      Type: "Fail",
      ErrorPath: "$.error.code",
      CausePath: "$.cause",
    });
  });
});

describe("resolveDefinition", () => {
  it("fills every placeholder, and refuses a definition with one left unfilled", () => {
    const spec = buildStateMachine(fanOutWorkflow());
    const arns = Object.fromEntries(
      spec.functions.map((f) => [f.key, `arn:aws:lambda:us-east-1:1:function:${f.key}`]),
    );

    const resolved = JSON.stringify(
      resolveDefinition(spec.definition, { ...arns, AlertsTopicArn: "arn:aws:sns:us-east-1:1:a" }),
    );

    expect(resolved).not.toMatch(/\$\{/);
    expect(() => resolveDefinition(spec.definition, arns)).toThrow(/AlertsTopicArn/);
  });
});

describe("engine handlers", () => {
  it("refuse a malformed payload with a typed, never-retried error", async () => {
    const engine = createEngineSteps({ saver: undefined as never }, () => fanOutWorkflow());

    await expect(engine.commit({ threadId: 3 })).rejects.toMatchObject({ name: "Switchyard.InvalidPayload" });
    expect(NON_RETRYABLE_CODES).toContain("Switchyard.InvalidPayload");
  });
});
