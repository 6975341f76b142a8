import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { MemorySaver } from "@langchain/langgraph";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildStateMachine,
  CHILD_STATE_PREFIX,
  createEngineSteps,
  DEFAULT_DISTRIBUTED_ABOVE,
  DEFAULT_DISTRIBUTED_CONCURRENCY,
  distributedAbove,
  distributedConcurrency,
  failuresOf,
  type ManifestRef,
  runsDistributed,
  S3TaskLists,
  type SuperstepPlan,
  type TaskFailure,
  type TaskListRef,
  type TaskListStore,
  type TaskRef,
  withTaskList,
} from "#engine";
import { aslDiagnostics } from "../fixtures/asl-language-service.ts";
import { BAD_PARTITION, wideFanOutWorkflow } from "../fixtures/distributed-graphs.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/** The Distributed Map superstep, as pure logic: when, what the plan carries, what commit reads. */
type State = Record<string, unknown> & { Type: string };
/** The fields of a Map state these tests read. */
interface MapState {
  readonly [field: string]: unknown;
  readonly MaxConcurrencyPath: string;
  readonly ItemSelector: Record<string, string>;
  readonly ItemProcessor: { ProcessorConfig: object; States: Record<string, State> };
}
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

/** An object body as the SDK hands it over: read once as text. */
const body = (text: string) => ({ transformToString: async () => text }) as never;

function planOf(tasks: number, node = "match"): SuperstepPlan {
  return {
    workflow: "wide-fan-out",
    threadId: "thread-1",
    checkpointId: "cp-1",
    step: 1,
    status: "running",
    tasks: Array.from({ length: tasks }, (_, i) => ({ id: `task-${i}`, node })),
  };
}

/** `$.a.b` against a value, as JSONPath's reference paths read it. */
function at(value: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

describe("a 10,000-task superstep", () => {
  const workflow = wideFanOutWorkflow({ workers: 10_000 });
  const states = buildStateMachine(workflow).definition.States as Record<string, State>;

  it("leaves the payload: the task list goes to S3, the plan carries where and how many", async () => {
    s3.on(PutObjectCommand).resolves({});
    const plan = planOf(10_000);

    const listed = await withTaskList(
      new S3TaskLists({ client: new S3Client({}), bucket: "data" }),
      workflow,
      plan,
    );

    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe("data");
    expect(put?.Key).toBe("engine/wide-fan-out/thread-1/cp-1/tasks.json");
    expect(JSON.parse(String(put?.Body))).toEqual(plan.tasks);
    expect(listed.tasks).toEqual([]);
    expect(listed.taskList).toEqual({
      bucket: "data",
      key: "engine/wide-fan-out/thread-1/cp-1/tasks.json",
      count: 10_000,
      resultsPrefix: "engine/wide-fan-out/thread-1/cp-1/results",
      maxConcurrency: DEFAULT_DISTRIBUTED_CONCURRENCY,
    });
    expect(JSON.stringify(plan).length).toBeGreaterThan(256 * 1024);
    expect(JSON.stringify(listed).length).toBeLessThan(1024);
  });

  it("makes its S3 client when it first writes a list, once, never for a superstep that fits", async () => {
    s3.on(PutObjectCommand).resolves({});
    let made = 0;
    const lists = new S3TaskLists({
      client: async () => {
        made++;
        return new S3Client({});
      },
      bucket: "data",
    });

    await withTaskList(lists, workflow, planOf(3));
    expect(made).toBe(0);
    await withTaskList(lists, workflow, planOf(10_000));
    await withTaskList(lists, workflow, planOf(10_000));
    expect(made).toBe(1);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it("asks for its S3 client again after one failed to load, instead of failing every list", async () => {
    s3.on(PutObjectCommand).resolves({});
    let asked = 0;
    const lists = new S3TaskLists({
      client: async () => {
        asked++;
        if (asked === 1) throw new Error("S3 SDK chunk missing");
        return new S3Client({});
      },
      bucket: "data",
    });

    await expect(withTaskList(lists, workflow, planOf(10_000))).rejects.toThrow("S3 SDK chunk missing");
    await withTaskList(lists, workflow, planOf(10_000));
    expect(asked).toBe(2);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("is routed to a Distributed Map that reads the list, writes results to S3 and tolerates failures", async () => {
    const listed: SuperstepPlan = {
      ...planOf(0),
      taskList: {
        bucket: "data",
        key: "engine/k/tasks.json",
        count: 10_000,
        resultsPrefix: "engine/k/results",
        maxConcurrency: 500,
      },
    };
    const route = (states.Route as unknown as { Choices: { And?: object[]; Next: string }[] }).Choices[0];
    const map = states.RunTaskList as unknown as MapState;

    expect(route).toEqual({
      And: [
        { Variable: "$.status", StringEquals: "running" },
        { Variable: "$.taskList", IsPresent: true },
      ],
      Next: "RunTaskList",
    });
    expect(map.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
      StartAt: `${CHILD_STATE_PREFIX}ByNode`,
    });
    expect(map.ItemReader).toEqual({
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "JSON" },
      Parameters: { "Bucket.$": "$.taskList.bucket", "Key.$": "$.taskList.key" },
    });
    expect(map.ResultWriter).toEqual({
      Resource: "arn:aws:states:::s3:putObject",
      Parameters: { "Bucket.$": "$.taskList.bucket", "Prefix.$": "$.taskList.resultsPrefix" },
    });
    expect(map.ToleratedFailurePercentage).toBe(100);
    expect(map.ResultPath).toBe("$.manifest");
    expect(map.Next).toBe("Commit");
    // Every path the Map reads from its input exists in the plan start/commit return.
    const paths = [map.MaxConcurrencyPath, ...Object.values(map.ItemSelector as Record<string, string>)];
    for (const path of paths.filter((p) => !String(p).startsWith("$$.")))
      expect(at(listed, path)).toBeDefined();
    expect(at(listed, map.MaxConcurrencyPath)).toBe(500);
    // Failures are not caught inside a child: its execution fails and the ResultWriter lists it.
    const children = map.ItemProcessor.States;
    expect(children[`${CHILD_STATE_PREFIX}Run match`]).not.toHaveProperty("Catch");
    expect(Object.keys(children).every((name) => name.startsWith(CHILD_STATE_PREFIX))).toBe(true);
  });

  it("is valid ASL to the AWS language service, deployed and emulated alike", async () => {
    expect(await aslDiagnostics(buildStateMachine(workflow).definition)).toEqual([]);
    expect(
      await aslDiagnostics(buildStateMachine(workflow, { distributedMap: "emulated" }).definition),
    ).toEqual([]);
    for (const hosting of ["per-node", "per-superstep", "per-graph"] as const)
      expect(await aslDiagnostics(buildStateMachine(fanOutWorkflow(hosting)).definition)).toEqual([]);
  });

  it("runs child executions as Standard when a node may outlive an Express execution's 5 minutes", () => {
    const slow = wideFanOutWorkflow({ workers: 2, nodes: { match: { timeoutSeconds: 600 } } });
    const map = (buildStateMachine(slow).definition.States as Record<string, State>)
      .RunTaskList as unknown as MapState;

    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
  });
});

describe("when a superstep is distributed", () => {
  const tasks = (...nodes: string[]): TaskRef[] => nodes.map((node, i) => ({ id: `t${i}`, node }));

  it("uses the lowest threshold and concurrency among the superstep's nodes, else the defaults", () => {
    const wf = wideFanOutWorkflow({
      workers: 1,
      nodes: { match: { distributedAbove: 50, maxConcurrency: 20 }, summarize: { maxConcurrency: 300 } },
    });

    expect(distributedAbove(wf, tasks("match", "summarize"))).toBe(50);
    expect(distributedConcurrency(wf, tasks("match", "summarize"))).toBe(20);
    expect(distributedConcurrency(wf, tasks("summarize"))).toBe(300);
    expect(distributedAbove(wf, tasks("partition"))).toBe(DEFAULT_DISTRIBUTED_ABOVE);
    expect(distributedConcurrency(wf, tasks("partition"))).toBe(DEFAULT_DISTRIBUTED_CONCURRENCY);
  });

  it("only above the threshold, only while running, only in per-node hosting", () => {
    const wf = wideFanOutWorkflow({ workers: 1, nodes: { match: { distributedAbove: 3 } } });

    expect(runsDistributed(wf, planOf(3))).toBe(false);
    expect(runsDistributed(wf, planOf(4))).toBe(true);
    expect(runsDistributed(wf, { ...planOf(4), status: "waiting" })).toBe(false);
    expect(runsDistributed(fanOutWorkflow("per-superstep"), planOf(DEFAULT_DISTRIBUTED_ABOVE + 1))).toBe(
      false,
    );
  });

  it("stays inline without a task-list store (no data bucket)", async () => {
    const plan = planOf(DEFAULT_DISTRIBUTED_ABOVE + 1);

    expect(await withTaskList(undefined, wideFanOutWorkflow({ workers: 1 }), plan)).toBe(plan);
  });

  it.each([
    [{ distributedAbove: -1 }, /nodes\.match\.distributedAbove/],
    [{ distributedAbove: 2.5 }, /nodes\.match\.distributedAbove/],
    [{ maxConcurrency: 0 }, /nodes\.match\.maxConcurrency/],
    [{ maxConcurrency: 10_001 }, /nodes\.match\.maxConcurrency/],
  ])("refuses node settings %j, naming the field", (settings, field) => {
    expect(() => wideFanOutWorkflow({ workers: 1, nodes: { match: settings } })).toThrow(field);
  });
});

describe("reading a Map run's failures", () => {
  const failedEntry = (taskId: string, node: string) => ({
    ExecutionArn: `arn:aws:states:us-east-1:1:express:m/RunTaskList:${taskId}`,
    Input: JSON.stringify({ workflow: "w", threadId: "t", checkpointId: "c", taskId, node }),
    Status: "FAILED",
    Error: BAD_PARTITION,
    Cause: '{"errorMessage":"partition 4 cannot be matched"}',
  });

  it("reads only the manifest's FAILED files, each entry a failed task with its error and cause", async () => {
    const manifest = {
      DestinationBucket: "data",
      MapRunArn: "arn:aws:states:us-east-1:1:mapRun:m/RunTaskList:1",
      ResultFiles: {
        FAILED: [{ Key: "engine/r/1/FAILED_0.json", Size: 1 }],
        PENDING: [],
        SUCCEEDED: [{ Key: "engine/r/1/SUCCEEDED_0.json", Size: 1 }],
      },
    };
    s3.on(GetObjectCommand, { Key: "engine/r/1/manifest.json" }).resolves({
      Body: body(JSON.stringify(manifest)),
    });
    s3.on(GetObjectCommand, { Key: "engine/r/1/FAILED_0.json" }).resolves({
      Body: body(JSON.stringify([failedEntry("task-4", "match")])),
    });

    const failures = await new S3TaskLists({ client: new S3Client({}), bucket: "data" }).failures({
      bucket: "data",
      key: "engine/r/1/manifest.json",
    });

    expect(failures).toEqual([
      {
        taskId: "task-4",
        node: "match",
        error: { Error: BAD_PARTITION, Cause: '{"errorMessage":"partition 4 cannot be matched"}' },
      },
    ]);
    const read = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(read).toEqual(["engine/r/1/manifest.json", "engine/r/1/FAILED_0.json"]);
  });

  it("refuses a result entry that does not name its task, with a typed error naming the file", () => {
    const bad = { ...failedEntry("x", "match"), Input: JSON.stringify({ node: "match" }) };

    expect(() => failuresOf([bad], "engine/r/FAILED_0.json")).toThrow(
      expect.objectContaining({
        name: "Switchyard.TaskListUnreadable",
        message: expect.stringMatching(/FAILED_0.*taskId/),
      }),
    );
    expect(() => failuresOf([{ Input: "{" }], "f")).toThrow(/Input is not JSON/);
  });

  it("refuses a manifest without ResultFiles", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify({ MapRunArn: "x" })) });

    await expect(
      new S3TaskLists({ client: new S3Client({}), bucket: "data" }).failures({
        bucket: "data",
        key: "m.json",
      }),
    ).rejects.toMatchObject({ name: "Switchyard.TaskListUnreadable" });
  });
});

/** A task-list store in memory: what start wrote, and the failures a Map run would report. */
class MemoryTaskLists implements TaskListStore {
  readonly lists = new Map<string, TaskRef[]>();
  failed: TaskFailure[] = [];
  async write(plan: SuperstepPlan, maxConcurrency: number): Promise<TaskListRef> {
    const key = `${plan.threadId}/${plan.checkpointId}`;
    this.lists.set(key, [...plan.tasks]);
    return {
      bucket: "memory",
      key,
      count: plan.tasks.length,
      resultsPrefix: `${key}/results`,
      maxConcurrency,
    };
  }
  async read(list: { key: string }): Promise<TaskRef[]> {
    return this.lists.get(list.key) ?? [];
  }
  async failures(_manifest: ManifestRef): Promise<TaskFailure[]> {
    return this.failed;
  }
}

describe("commit after a Distributed Map", () => {
  const setup = async (threadId: string) => {
    const taskLists = new MemoryTaskLists();
    const workflow = wideFanOutWorkflow({ workers: 4, nodes: { match: { distributedAbove: 2 } } });
    const engine = createEngineSteps({ saver: new MemorySaver(), taskLists }, () => workflow);
    const first = await engine.start({ workflow: workflow.name, threadId, input: { trades: [1, 2, 3, 4] } });
    // partition runs inline; its commit plans the 4 match tasks, which leave for S3.
    for (const t of first.tasks) await engine.runNode({ ...first, taskId: t.id, node: t.node });
    const wide = await engine.commit(first);
    return { engine, taskLists, wide };
  };
  const manifest = { bucket: "memory", key: "results/manifest.json" };

  it("fails the run with the failed item the manifest reports, for a task that left no error of its own", async () => {
    const { engine, taskLists, wide } = await setup("commit-failed");
    const listed = await taskLists.read({ key: wide.taskList?.key ?? "" });
    const [first, timedOut, ...rest] = listed;
    for (const t of [first, ...rest]) if (t) await engine.runNode({ ...wide, taskId: t.id, node: t.node });
    taskLists.failed = [
      {
        taskId: timedOut?.id ?? "",
        node: "match",
        error: { Error: "States.Timeout", Cause: "child timed out" },
      },
    ];

    const next = await engine.commit({ ...wide, manifest });

    expect(wide.tasks).toEqual([]);
    expect(wide.taskList?.count).toBe(4);
    expect(next.status).toBe("failed");
    expect(next.error).toEqual({
      code: "States.Timeout",
      message: "child timed out",
      node: "match",
      taskId: timedOut?.id,
    });
  });

  it("applies the superstep when the manifest reports no failure and every task ran", async () => {
    const { engine, taskLists, wide } = await setup("commit-ok");
    for (const t of await taskLists.read({ key: wide.taskList?.key ?? "" }))
      await engine.runNode({ ...wide, taskId: t.id, node: t.node });

    const next = await engine.commit({ ...wide, manifest });

    expect(next.status).toBe("running");
    expect(next.step).toBeGreaterThan(wide.step);
    expect(next.tasks.map((t) => t.node)).toEqual(["summarize"]);
    expect(next.taskList).toBeUndefined();
  });

  it("refuses a manifest when the engine has no task-list store, naming the field", async () => {
    const engine = createEngineSteps({ saver: new MemorySaver() }, () => wideFanOutWorkflow({ workers: 1 }));

    await expect(
      engine.commit({ workflow: "wide-fan-out", threadId: "t", checkpointId: "c", manifest }),
    ).rejects.toMatchObject({
      name: "Switchyard.InvalidPayload",
      message: expect.stringMatching(/manifest/),
    });
  });
});
