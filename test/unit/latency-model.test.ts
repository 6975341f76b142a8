import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { buildStateMachine, type FunctionSlot, type StateMachineSpec } from "#engine";
import { observeAwsCalls, serialRoundTrips, waitingMs } from "../../bench/lib/aws-calls.ts";
import { AWS_LATENCY, type LambdaProfile, predictRun } from "../../bench/lib/latency-model.ts";
import { shapeOf } from "../../bench/lib/superstep-shape.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * The latency model's counts come from the definition asl.ts builds and from requests observed
 * at the SDK's middleware (docs/engine.md, "Latency and cost on AWS"); the local run's own counts
 * are compared in test/integration/latency-model.int.test.ts.
 */
type States = Record<string, Record<string, unknown>>;
const statesOf = (spec: StateMachineSpec) => spec.definition.States as States;

describe("shapeOf: a superstep read off the definition", () => {
  it("per-node: Route, the Map and Commit, plus ByNode and the node's Task per task", () => {
    const spec = buildStateMachine(fanOutWorkflow("per-node"));
    const shape = shapeOf(spec);
    const map = statesOf(spec).RunTasks as { MaxConcurrency: number };
    expect(shape.inline).toMatchObject({
      transitions: 3,
      transitionsPerTask: 2,
      engineLambdas: ["commit"],
      lambdasPerTask: 1,
      maxConcurrency: map.MaxConcurrency,
    });
    expect(shape.opening).toEqual({ transitions: 1, engineLambdas: ["start"] });
    expect(shape.closingTransitions).toBe(2);
  });

  it("follows the definition: a state added to the loop adds its transition (and its Lambda)", () => {
    const spec = buildStateMachine(fanOutWorkflow("per-node"));
    const states = statesOf(spec);
    const before = shapeOf(spec).inline;
    const commit = states.Commit as Record<string, unknown>;
    const changed: StateMachineSpec = {
      ...spec,
      definition: {
        ...spec.definition,
        States: {
          ...states,
          RunTasks: { ...states.RunTasks, Next: "Audit" },
          Audit: { Type: "Pass", Next: "AuditCommit" },
          AuditCommit: { ...commit, Next: "Commit" },
        },
      },
      functions: [
        ...spec.functions,
        { ...(spec.functions.find((f) => f.role === "commit") as FunctionSlot), stateName: "AuditCommit" },
      ],
    };
    const after = shapeOf(changed).inline;
    expect(after.transitions).toBe(before.transitions + 2);
    expect(after.engineLambdas).toEqual(["commit", "commit"]);
  });

  it("per-superstep and per-graph: one Lambda per turn of the loop, no Map", () => {
    for (const [hosting, role] of [
      ["per-superstep", "superstep"],
      ["per-graph", "graph"],
    ] as const) {
      const shape = shapeOf(buildStateMachine(fanOutWorkflow(hosting)));
      expect(shape.inline).toMatchObject({
        transitions: 2,
        transitionsPerTask: 0,
        engineLambdas: [role],
        lambdasPerTask: 0,
      });
      expect(shape.distributed).toBeUndefined();
    }
  });

  it("a Distributed Map: child executions carry the item states; ItemReader and ResultWriter read and write S3", () => {
    const spec = buildStateMachine(fanOutWorkflow("per-node"));
    const map = statesOf(spec).RunTaskList as { ItemReader?: unknown; ResultWriter?: unknown };
    expect(map.ItemReader).toBeDefined();
    expect(map.ResultWriter).toBeDefined();
    expect(shapeOf(spec).distributed).toMatchObject({
      transitions: 3,
      transitionsPerTask: 0,
      childTransitionsPerTask: 2,
      lambdasPerTask: 1,
      engineLambdas: ["commit"],
      stateS3Requests: 2,
    });
  });
});

describe("round trips from observed requests", () => {
  it("requests in flight together are one round trip; waiting time is their union", () => {
    const calls = [
      { startMs: 0, endMs: 4 },
      { startMs: 1, endMs: 5 },
      { startMs: 6, endMs: 8 },
      { startMs: 8, endMs: 9 },
    ];
    expect(serialRoundTrips(calls)).toBe(3);
    expect(waitingMs(calls)).toBe(5 + 2 + 1);
    expect(serialRoundTrips([])).toBe(0);
    expect(waitingMs([])).toBe(0);
  });

  it("observes a client's requests per Lambda invocation, and lets go of the client", async () => {
    const client = new DynamoDBClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    let sent = 0;
    // Answers before the network: each request takes 5 ms, as a round trip would.
    client.middlewareStack.add(
      () => async () => {
        sent++;
        await new Promise((r) => setTimeout(r, 5));
        return { output: { $metadata: {} }, response: {} };
      },
      { step: "finalizeRequest", name: "answer" },
    );
    const calls = observeAwsCalls({ dynamodb: client });
    const slot: FunctionSlot = {
      key: "CommitFunctionArn",
      role: "commit",
      stateName: "Commit",
      timeoutSeconds: 60,
    };
    const get = () => client.send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "a" } } }));
    await calls.wrapHandler(slot, async () => {
      await Promise.all([get(), get()]);
      await client.send(new PutItemCommand({ TableName: "t", Item: { pk: { S: "a" } } }));
      return {};
    })({});
    await get(); // outside any Lambda: not attributed
    calls.detach();
    await get();
    expect(sent).toBe(5);
    expect(calls.invocations).toHaveLength(1);
    const [invocation] = calls.invocations;
    expect(invocation?.role).toBe("commit");
    expect(invocation?.calls.map((c) => c.command)).toEqual([
      "GetItemCommand",
      "GetItemCommand",
      "PutItemCommand",
    ]);
    expect(serialRoundTrips(invocation?.calls ?? [])).toBe(2);
  });
});

describe("predictRun", () => {
  const lambda = (computeMs: number, dynamoRoundTrips: number): LambdaProfile => ({
    computeMs,
    dynamoRoundTrips,
    s3RoundTrips: 0,
    dynamoReads: 1,
    dynamoWrites: 1,
    memoryMb: 1024,
  });
  const lambdas = { start: lambda(10, 3), commit: lambda(20, 4), node: lambda(100, 2) };
  const a = AWS_LATENCY;
  const lambdaMs = (p: LambdaProfile) =>
    a.lambdaInvokeMs + p.computeMs + p.dynamoRoundTrips * a.dynamoRoundTripMs;

  it("per-node: tasks run in waves of the Map's concurrency; every task's transitions are billed", () => {
    const workflow = fanOutWorkflow("per-node");
    const shape = shapeOf(buildStateMachine(workflow, { maxConcurrency: 2 }));
    const profile = { supersteps: [{ tasks: 3, distributed: false }], lambdas, coldImportMs: { node: 300 } };
    const p = predictRun(shape, profile, "standard");
    // Start, then Route, RunTasks, 3 × (ByNode, Run match), Commit, then Route, Done.
    expect(p.transitions).toBe(1 + 3 + 3 * 2 + 1 + 1);
    expect(p.lambdaInvocations).toBe(1 + 3 + 1);
    const waves = 2;
    const pathTransitions = 1 + 3 + waves * 2 + 2;
    expect(p.warmMs).toBeCloseTo(
      pathTransitions * a.transitionMs.standard +
        lambdaMs(lambdas.start) +
        waves * lambdaMs(lambdas.node) +
        lambdaMs(lambdas.commit),
    );
    expect(p.coldMs - p.warmMs).toBeCloseTo((1 + waves + 1) * a.lambdaColdInitMs + waves * 300);
    expect(p.dynamoRoundTrips).toBe(3 + waves * 2 + 4);
    const express = predictRun(shape, profile, "express");
    expect(express.transitions).toBe(p.transitions);
    expect(express.warmMs).toBeLessThan(p.warmMs);
    expect(express.costUsd).toBeLessThan(p.costUsd);
  });

  it("per-graph hosting turns the loop once, whatever the supersteps", () => {
    const shape = shapeOf(buildStateMachine(fanOutWorkflow("per-graph")));
    const supersteps = Array.from({ length: 4 }, () => ({ tasks: 0, distributed: false }));
    const p = predictRun(
      shape,
      { supersteps, lambdas: { start: lambda(1, 1), graph: lambda(50, 9) }, coldImportMs: {} },
      "standard",
    );
    expect(p.supersteps).toBe(4);
    expect(p.transitions).toBe(1 + 2 + 2);
    expect(p.lambdaInvocations).toBe(2);
  });

  it("a distributed superstep pays S3 and its children's Express states, not parent transitions per task", () => {
    const shape = shapeOf(buildStateMachine(fanOutWorkflow("per-node")));
    const profile = { supersteps: [{ tasks: 2_000, distributed: true }], lambdas, coldImportMs: {} };
    const p = predictRun(shape, profile, "standard");
    expect(p.transitions).toBe(1 + 3 + 2);
    expect(p.lambdaInvocations).toBe(1 + 2_000 + 1);
    expect(p.s3RoundTrips).toBe(2);
    const waves = Math.ceil(2_000 / a.distributedConcurrency);
    expect(p.warmMs).toBeCloseTo(
      6 * a.transitionMs.standard +
        lambdaMs(lambdas.start) +
        waves * (lambdaMs(lambdas.node) + 2 * a.transitionMs.express) +
        2 * a.s3RoundTripMs +
        lambdaMs(lambdas.commit),
    );
  });
});
