import { describe, expect, it } from "vitest";
import {
  afterSuperstep,
  buildStateMachine,
  continueIfDue,
  defineWorkflow,
  HISTORY_EVENT_LIMIT,
  HISTORY_MARGIN_EVENTS,
  type Hosting,
  historyCostOf,
  historyLine,
  LAMBDA_SERVICE_RETRY,
  openingHistory,
  type SuperstepPlan,
  successorOf,
  superstepEvents,
  type WorkflowDefinition,
} from "#engine";
import { endlessLoopGraph, fanOutWorkflow } from "../fixtures/graphs.ts";

/** Continue-as-new as pure logic: the history estimate, the decision, the successor, the states. */
const loop = (hosting: Hosting, afterSupersteps?: number): WorkflowDefinition =>
  defineWorkflow({
    name: "loop",
    graph: endlessLoopGraph(),
    hosting,
    ...(afterSupersteps === undefined ? {} : { continueAsNew: { afterSupersteps } }),
  });

type State = Record<string, unknown> & { Type: string };
const states = (wf: WorkflowDefinition) => buildStateMachine(wf).definition.States as Record<string, State>;

const running = (tasks: number): SuperstepPlan => ({
  workflow: "loop",
  threadId: "loop_1",
  checkpointId: "cp-1",
  step: 3,
  status: "running",
  tasks: Array.from({ length: tasks }, (_, i) => ({ id: `t${i}`, node: "work" })),
  lease: "loop_1",
});

describe("the history estimate, from the builder's definition", () => {
  it("per-node: 11 + 9 events per task a superstep, 6 to open, 10 to continue", () => {
    const cost = historyCostOf(buildStateMachine(loop("per-node")).definition);

    // Route 2 + Map 4 + Commit 5; per task: iteration 2 + ByNode 2 + Run <node> 5.
    expect(cost).toMatchObject({ opening: 6, perSuperstep: 11, perTask: 9, closing: 10 });
    // A failed task: the longest retrier's attempts (3 events each) and the TaskFailed Pass.
    expect(cost.perFailedTask).toBe(LAMBDA_SERVICE_RETRY.MaxAttempts * 3 + 2);
    expect(superstepEvents(cost, 40)).toBe(371);
    expect(superstepEvents(cost, 40, 1)).toBe(371 + cost.perFailedTask);
  });

  it("per-superstep: 7 events a superstep whatever its tasks; per-graph: no Continue", () => {
    const perSuperstep = historyCostOf(buildStateMachine(loop("per-superstep")).definition);
    const single = historyCostOf(buildStateMachine(loop("per-graph")).definition);

    expect(perSuperstep).toMatchObject({ opening: 6, perSuperstep: 7, perTask: 0, closing: 10 });
    expect(single.closing).toBe(3);
  });

  it("reads any graph's definition: a fan-out of other nodes costs the same per task", () => {
    const fanOut = historyCostOf(buildStateMachine(fanOutWorkflow("per-node", 3)).definition);
    expect(fanOut.perTask).toBe(9);
  });
});

describe("the history estimate of a loop that chooses its Map per superstep", () => {
  it("a distributed Map costs its map run only; a Choice between the two is bounded by each", () => {
    const built = buildStateMachine(loop("per-node")).definition as Record<string, unknown>;
    const base = built.States as Record<string, State>;
    const inline = base.RunTasks as State & { ItemProcessor: Record<string, unknown> };
    const distributed = {
      ...inline,
      ItemProcessor: {
        ...inline.ItemProcessor,
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
      },
    };
    const route = base.Route as unknown as { Choices: { StringEquals: string; Next: string }[] };
    const choosing = {
      ...built,
      States: {
        ...base,
        Route: {
          ...route,
          Choices: route.Choices.map((c) => (c.StringEquals === "running" ? { ...c, Next: "ChooseMap" } : c)),
        },
        ChooseMap: {
          Type: "Choice",
          Choices: [{ Variable: "$.distributed", BooleanEquals: true, Next: "RunTasksDistributed" }],
          Default: "RunTasks",
        },
        RunTasksDistributed: distributed,
      },
    };
    const onlyDistributed = { ...built, States: { ...base, RunTasks: distributed } };

    // Route 2 + MapStateEntered/Started, MapRunStarted/Succeeded, MapStateSucceeded/Exited 6 + Commit 5.
    expect(historyCostOf(onlyDistributed)).toMatchObject({ perSuperstep: 13, perTask: 0 });
    // Either Map: Route 2 + ChooseMap 2 + the larger Map's own events (6) + Commit 5, and the
    // inline Map's 9 per task — an upper bound of both.
    expect(historyCostOf(choosing)).toMatchObject({ perSuperstep: 15, perTask: 9 });
  });
});

describe("when an execution continues as new", () => {
  /** Runs supersteps of `tasks` tasks through the decision until it continues; the count before. */
  function superstepsUntilContinued(workflow: WorkflowDefinition, tasks: number, cap = 10_000): number {
    let plan: SuperstepPlan = { ...running(tasks), history: openingHistory(workflow) };
    for (let done = 0; done < cap; done++) {
      plan = continueIfDue(workflow, {
        ...running(tasks),
        history: afterSuperstep(workflow, plan.history, tasks, 0),
      });
      if (plan.status === "continued") return done + 1;
    }
    return cap;
  }

  it("near the 25,000-event history, with the margin: 1-task supersteps hand over after 1,124", () => {
    // 6 + 20k events after k supersteps; the next (20) and the way out (10) must stay ≤ 22,500.
    expect(HISTORY_EVENT_LIMIT - HISTORY_MARGIN_EVENTS).toBe(22_500);
    expect(superstepsUntilContinued(loop("per-node"), 1)).toBe(1_124);
    expect(superstepsUntilContinued(loop("per-superstep"), 1)).toBe(3_212);
  });

  it("before a superstep that would not fit: 1,500-task supersteps (13,511 events) hand over after each", () => {
    expect(superstepsUntilContinued(loop("per-node"), 1_500)).toBe(1);
  });

  it("after continueAsNew.afterSupersteps, whichever comes first", () => {
    expect(superstepsUntilContinued(loop("per-node", 7), 1)).toBe(7);
    expect(superstepsUntilContinued(loop("per-node", 5_000), 1)).toBe(1_124);
  });

  it("after the run's own afterSupersteps (a run option), over the workflow's, kept by its successor", () => {
    const history = { ...openingHistory(loop("per-node", 50), 4), supersteps: 4 };
    const continued = continueIfDue(loop("per-node", 50), { ...running(1), history });

    expect(openingHistory(loop("per-node"), 4).afterSupersteps).toBe(4);
    expect(afterSuperstep(loop("per-node"), history, 1, 0).afterSupersteps).toBe(4);
    expect(continued.status).toBe("continued");
    expect(continued.successor?.input.continueAsNew).toEqual({ afterSupersteps: 4 });
    expect(
      continueIfDue(loop("per-node", 2), { ...running(1), history: { ...history, supersteps: 3 } }).status,
    ).toBe("running");
  });

  it("never for a plan that is not running, nor in per-graph hosting", () => {
    const history = { supersteps: 99, events: 24_000 };
    for (const status of ["waiting", "succeeded", "failed"] as const) {
      expect(continueIfDue(loop("per-node", 1), { ...running(1), status, history }).status).toBe(status);
    }
    expect(
      continueIfDue(
        { ...loop("per-graph"), continueAsNew: { afterSupersteps: 1 } },
        { ...running(1), history },
      ).status,
    ).toBe("running");
    // A plan without a count (from before it travelled) is left alone.
    expect(continueIfDue(loop("per-node", 1), running(1)).status).toBe("running");
  });

  it("names its successor from thread and checkpoint: the same on a retry, a valid execution name", () => {
    const continued = continueIfDue(loop("per-node", 1), {
      ...running(1),
      history: { supersteps: 1, events: 26 },
    });
    const again = successorOf(running(1));
    const next = successorOf({ ...running(1), checkpointId: "cp-2" });
    const odd = successorOf({ ...running(1), threadId: `desk/${"x".repeat(120)} eod`, lease: undefined });

    expect(continued.status).toBe("continued");
    expect(continued.successor).toEqual(again);
    expect(again.name).toMatch(/^loop_1-c[0-9a-f]{8}$/);
    expect(again.input).toEqual({
      workflow: "loop",
      threadId: "loop_1",
      runId: again.name,
      recover: true,
      continues: "loop_1",
    });
    expect(next.name).not.toBe(again.name);
    expect(odd.name.length).toBeLessThanOrEqual(80);
    expect(odd.name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(odd.input).not.toHaveProperty("continues");
  });
});

describe("the Continue states", () => {
  it("Route sends `continued` to a StartExecution of this machine, then Continued (Succeed)", () => {
    const s = states(loop("per-node"));
    const route = s.Route as unknown as { Choices: { StringEquals: string; Next: string }[] };

    expect(route.Choices).toContainEqual({
      Variable: "$.status",
      StringEquals: "continued",
      Next: "Continue",
    });
    expect(s.Continue).toMatchObject({
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution",
      Parameters: {
        "StateMachineArn.$": "$$.StateMachine.Id",
        "Name.$": "$.successor.name",
        "Input.$": "$.successor.input",
      },
      Next: "Continued",
    });
    expect(s.Continued?.Type).toBe("Succeed");
    expect(buildStateMachine(loop("per-node")).continueStateName).toBe("Continue");
  });

  it("a retried Continue that meets its own successor counts it as started, any other error alerts", () => {
    const cont = states(loop("per-superstep")).Continue as unknown as {
      Retry: { ErrorEquals: string[]; MaxAttempts: number }[];
      Catch: { ErrorEquals: string[]; Next: string }[];
    };

    expect(cont.Retry[0]).toEqual({
      ErrorEquals: ["StepFunctions.ExecutionAlreadyExistsException"],
      MaxAttempts: 0,
    });
    expect(cont.Catch[0]).toMatchObject({
      ErrorEquals: ["StepFunctions.ExecutionAlreadyExistsException"],
      Next: "Continued",
    });
    expect(cont.Catch[1]).toMatchObject({ ErrorEquals: ["States.ALL"], Next: "NotifyFailure" });
  });

  it("per-graph hosting has none: its one Lambda runs the graph to the end", () => {
    const built = buildStateMachine(loop("per-graph"));
    expect(built.continueStateName).toBeUndefined();
    expect((built.definition.States as Record<string, unknown>).Continue).toBeUndefined();
  });
});

describe("defineWorkflow({ continueAsNew })", () => {
  it("keeps a whole number of supersteps of at least 1, and refuses anything else naming the field", () => {
    expect(loop("per-node", 50).continueAsNew).toEqual({ afterSupersteps: 50 });
    expect(loop("per-node").continueAsNew).toBeUndefined();
    for (const afterSupersteps of [0, -3, 1.5, Number.NaN]) {
      expect(() => loop("per-node", afterSupersteps)).toThrow(/"loop": continueAsNew\.afterSupersteps/);
    }
  });

  it("refuses it for per-graph hosting, where it could not happen", () => {
    expect(() => loop("per-graph", 10)).toThrow(
      /"loop": continueAsNew needs per-node or per-superstep hosting/,
    );
  });
});

describe("historyLine (switchyard describe)", () => {
  it("says what a superstep costs and when an execution hands over", () => {
    expect(historyLine(loop("per-node"))).toBe(
      "11 + 9 per task events a superstep; an execution continues as new near the 25,000-event history (after 1,124 1-task supersteps)",
    );
    expect(historyLine(loop("per-superstep", 100))).toBe(
      "7 events a superstep; an execution continues as new after 100 supersteps",
    );
    expect(historyLine(loop("per-graph"))).toMatch(/^one Lambda runs the graph/);
  });
});
