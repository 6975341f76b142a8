/**
 * DynamoDBSaver against the embedded DynamoDB: sizes past the item limit, long message states,
 * racing writers, list/filter, deleteThread, TTL, and the cost of an append-only channel.
 */
import { randomBytes } from "node:crypto";
import { DeleteItemCommand, type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { type Checkpoint, emptyCheckpoint, MemorySaver, uuid6 } from "@langchain/langgraph-checkpoint";
import { deltaChannelHistoryTests } from "@langchain/langgraph-checkpoint-validation";
import {
  CheckpointConflictError,
  CheckpointCorruptError,
  DynamoDBSaver,
  type DynamoDBSaverOptions,
} from "switchyard/checkpoint";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "cpitest" });
});
afterAll(async () => {
  await aws?.stop();
});

const saver = (options: Partial<DynamoDBSaverOptions> = {}) =>
  new DynamoDBSaver({
    client: aws.clients.dynamodb,
    tableName: aws.resources.checkpointTable.name,
    ...options,
  });
const meta = (step: number, source: "input" | "loop" = "loop") => ({ source, step, parents: {} });
const threadConfig = (thread_id: string, checkpoint_ns = ""): RunnableConfig => ({
  configurable: { thread_id, checkpoint_ns },
});

/** A checkpoint whose channels all changed at `version`. */
function checkpointOf(values: Record<string, unknown>, version: number, id = uuid6(version)): Checkpoint {
  return {
    ...emptyCheckpoint(),
    id,
    channel_values: values,
    channel_versions: Object.fromEntries(Object.keys(values).map((k) => [k, version])),
  };
}
const versionsOf = (values: Record<string, unknown>, version: number) =>
  Object.fromEntries(Object.keys(values).map((k) => [k, version]));

const conversation = (n: number): BaseMessage[] =>
  Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? new HumanMessage({ content: `Order ${i}: buy ${i} lots of ESZ5 at market`, id: `h${i}` })
      : new AIMessage({
          content: `Checked limits for order ${i - 1}; within tolerance, routing.`,
          id: `a${i}`,
        }),
  );

async function rowsOf(client: DynamoDBClient, threadId: string) {
  const out = await client.send(
    new QueryCommand({
      TableName: aws.resources.checkpointTable.name,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: threadId } },
    }),
  );
  return out.Items ?? [];
}

describe("values larger than one item", () => {
  it("stores and reads back a 5 MB channel value, chunked across items", async () => {
    const writer = saver();
    const blob = randomBytes(3_750_000).toString("base64"); // 5 MB of poorly compressible text
    const values = { report: blob, small: { ok: true } };
    const config = await writer.put(
      threadConfig("big-1"),
      checkpointOf(values, 1),
      meta(0),
      versionsOf(values, 1),
    );

    const tuple = await saver().getTuple(config);

    expect(tuple?.checkpoint.channel_values).toEqual(values);
    expect(writer.stats.itemsWritten).toBeGreaterThanOrEqual(12);
  });

  it("stores a state of 2,000 messages and returns real message classes", async () => {
    const messages = conversation(2_000);
    const config = await saver().put(threadConfig("msgs-1"), checkpointOf({ messages }, 1), meta(0), {
      messages: 1,
    });

    const tuple = await saver().getTuple(config);
    const got = tuple?.checkpoint.channel_values.messages as BaseMessage[];

    expect(got).toHaveLength(2_000);
    expect(got[0]).toBeInstanceOf(HumanMessage);
    expect(got[1999]).toBeInstanceOf(AIMessage);
    expect(got.map((m) => m.content)).toEqual(messages.map((m) => m.content));
  });

  it("stores a 5 MB pending write and reads it back", async () => {
    const writer = saver();
    const config = await writer.put(threadConfig("big-write"), emptyCheckpoint(), meta(0), {});
    const value = randomBytes(3_750_000).toString("base64");

    await writer.putWrites(config, [["report", value]], "task-1");

    expect((await saver().getTuple(config))?.pendingWrites).toEqual([["task-1", "report", value]]);
  });
});

describe("a real LangGraph graph", () => {
  const build = () =>
    new StateGraph(MessagesAnnotation)
      .addNode("agent", (s) => ({ messages: [new AIMessage(`ack ${s.messages.length}`)] }))
      .addEdge("__start__", "agent")
      .addEdge("agent", "__end__");

  it("resumes a thread with message classes and the same history shape as MemorySaver", async () => {
    const ours = build().compile({ checkpointer: saver() });
    const memory = build().compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "graph-1" } };
    for (const text of ["buy ESZ5", "sell NQZ5", "flat"]) {
      await ours.invoke({ messages: [new HumanMessage(text)] }, config);
      await memory.invoke({ messages: [new HumanMessage(text)] }, config);
    }

    const reopened = build().compile({ checkpointer: saver() });
    const state = await reopened.getState(config);
    const shape = async (g: typeof ours) => {
      const out: [string, number, string[]][] = [];
      for await (const s of g.getStateHistory(config))
        out.push([s.metadata?.source ?? "", s.metadata?.step ?? 0, s.next as string[]]);
      return out;
    };

    expect(state.values.messages).toHaveLength(6);
    expect(state.values.messages[5]).toBeInstanceOf(AIMessage);
    expect(await shape(reopened)).toEqual(await shape(memory));
  });
});

describe("two writers on one thread", () => {
  async function seeded(threadId: string) {
    const first = saver();
    const values = { messages: conversation(3) };
    const parent = await first.put(threadConfig(threadId), checkpointOf(values, 1), meta(0), { messages: 1 });
    const a = saver();
    const b = saver();
    await Promise.all([a.getTuple(parent), b.getTuple(parent)]);
    return { parent, a, b };
  }
  const next = (id: string, text: string) =>
    checkpointOf({ messages: [...conversation(3), new AIMessage(text)] }, 2, id);

  it("turns a lost race for one checkpoint id into CheckpointConflictError, never an overwrite", async () => {
    const { parent, a, b } = await seeded("race-1");
    const id = uuid6(2);

    const results = await Promise.allSettled([
      a.put(parent, next(id, "writer A"), meta(1), { messages: 2 }),
      b.put(parent, next(id, "writer B"), meta(1), { messages: 2 }),
    ]);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    const winner = results[0]?.status === "fulfilled" ? "writer A" : "writer B";
    const stored = await saver().getTuple({ configurable: { ...parent.configurable, checkpoint_id: id } });

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(lost.reason).toBeInstanceOf(CheckpointConflictError);
    expect(lost.reason).toMatchObject({
      code: "Switchyard.CheckpointConflict",
      checkpointId: id,
      cause: { name: "ConditionalCheckFailedException" },
    });
    const messages = stored?.checkpoint.channel_values.messages as BaseMessage[] | undefined;
    expect(messages?.at(-1)?.content).toBe(winner);
  });

  it("accepts an identical replay of the same put (a retried request) as success", async () => {
    const { parent, a } = await seeded("race-2");
    const checkpoint = next(uuid6(2), "same");
    await a.put(parent, checkpoint, meta(1), { messages: 2 });

    const again = saver().put(parent, checkpoint, meta(1), { messages: 2 });

    await expect(again).resolves.toMatchObject({ configurable: { checkpoint_id: checkpoint.id } });
  });

  it("keeps each writer's values when both fork one parent at the same channel version", async () => {
    const { parent, a, b } = await seeded("race-3");
    const [idA, idB] = [uuid6(2), uuid6(2)];

    const [configA, configB] = await Promise.all([
      a.put(parent, next(idA, "writer A"), meta(1), { messages: 2 }),
      b.put(parent, next(idB, "writer B"), meta(1), { messages: 2 }),
    ]);
    const last = async (c: typeof configA) =>
      ((await saver().getTuple(c))?.checkpoint.channel_values.messages as BaseMessage[] | undefined)?.at(-1)
        ?.content;

    expect(await last(configA)).toBe("writer A");
    expect(await last(configB)).toBe("writer B");
  });
});

describe("getTuple of the latest checkpoint", () => {
  it("returns every pending write even when they outnumber the first page", async () => {
    const writer = saver();
    const config = await writer.put(threadConfig("latest-1"), emptyCheckpoint(), meta(0), {});
    for (const task of ["t1", "t2", "t3", "t4", "t5", "t6"])
      await writer.putWrites(config, [["out", task]], task);

    const tuple = await saver().getTuple(threadConfig("latest-1"));

    expect(tuple?.pendingWrites?.map(([task]) => task)).toEqual(["t1", "t2", "t3", "t4", "t5", "t6"]);
  });

  it("skips writes stored against a checkpoint newer than any checkpoint item", async () => {
    const writer = saver();
    const config = await writer.put(threadConfig("latest-2"), emptyCheckpoint(), meta(0), {});
    const orphan = { configurable: { ...config.configurable, checkpoint_id: uuid6(9) } };
    await writer.putWrites(orphan, [["out", "lost"]], "t1");

    const tuple = await saver().getTuple(threadConfig("latest-2"));

    expect(tuple?.config.configurable?.checkpoint_id).toBe(config.configurable?.checkpoint_id);
    expect(tuple?.pendingWrites).toEqual([]);
  });
});

describe("list", () => {
  const threadId = "list-1";
  const ids: string[] = [];
  beforeAll(async () => {
    const writer = saver();
    let config = threadConfig(threadId);
    for (let step = 0; step < 4; step++) {
      const values = { step };
      config = await writer.put(
        config,
        checkpointOf(values, step + 1),
        meta(step, step === 0 ? "input" : "loop"),
        {
          step: step + 1,
        },
      );
      ids.push(config.configurable?.checkpoint_id as string);
    }
    await writer.put(threadConfig(threadId, "child:1"), checkpointOf({}, 1), meta(0), {});
  });
  const list = async (config: object, options?: object) => {
    const out: string[] = [];
    for await (const t of saver().list(config, options)) out.push(t.checkpoint.id);
    return out;
  };

  it("lists every namespace of a thread, or one namespace newest first", async () => {
    expect(await list({ configurable: { thread_id: threadId } })).toHaveLength(5);
    expect(await list(threadConfig(threadId))).toEqual([...ids].reverse());
  });

  it("honours before and limit", async () => {
    const before = { configurable: { checkpoint_id: ids[2] } };

    expect(await list(threadConfig(threadId), { before })).toEqual([ids[1], ids[0]]);
    expect(await list(threadConfig(threadId), { limit: 2 })).toEqual([ids[3], ids[2]]);
    expect(await list(threadConfig(threadId), { before, limit: 1 })).toEqual([ids[1]]);
  });

  it("filters on metadata", async () => {
    expect(await list(threadConfig(threadId), { filter: { source: "input" } })).toEqual([ids[0]]);
    expect(await list(threadConfig(threadId), { filter: { source: "loop", step: 2 } })).toEqual([ids[2]]);
    expect(await list(threadConfig(threadId), { filter: { source: "update" } })).toEqual([]);
  });

  it("returns channel values with each listed checkpoint", async () => {
    const tuples = [];
    for await (const t of saver().list(threadConfig(threadId), { limit: 1 })) tuples.push(t);

    expect(tuples[0]?.checkpoint.channel_values).toEqual({ step: 3 });
  });
});

describe("deleteThread", () => {
  it("removes every item of the thread and nothing else", async () => {
    const writer = saver();
    for (const t of ["del-1", "del-2"]) {
      const config = await writer.put(
        threadConfig(t),
        checkpointOf({ messages: conversation(4) }, 1),
        meta(0),
        {
          messages: 1,
        },
      );
      await writer.putWrites(config, [["messages", "x"]], "task");
    }

    await writer.deleteThread("del-1");

    expect(await rowsOf(aws.clients.dynamodb, "del-1")).toHaveLength(0);
    expect(await writer.getTuple(threadConfig("del-1"))).toBeUndefined();
    expect((await rowsOf(aws.clients.dynamodb, "del-2")).length).toBeGreaterThan(0);
  });
});

describe("TTL", () => {
  const now = Date.UTC(2030, 0, 1);

  it("stamps expiresAt (from the resource module) on every item: checkpoint, segments, chunks, writes", async () => {
    const writer = saver({
      ttlDays: 7,
      ttlSlackDays: 2,
      now: () => now,
      chunkBytes: 4_096,
      compressAboveBytes: 1e9,
    });
    const values = { messages: conversation(200) };
    const config = await writer.put(threadConfig("ttl-1"), checkpointOf(values, 1), meta(0), { messages: 1 });
    await writer.putWrites(config, [["messages", "y".repeat(10_000)]], "task");

    const rows = await rowsOf(aws.clients.dynamodb, "ttl-1");

    expect(rows.length).toBeGreaterThan(5);
    // Items outlive the checkpoint by the slack; the checkpoint item says until when it is readable.
    expect(new Set(rows.map((r) => r.expiresAt?.N))).toEqual(new Set([String(now / 1000 + 9 * 86_400)]));
    expect(rows.filter((r) => r.k?.S === "c").map((r) => r.u?.N)).toEqual([String(now / 1000 + 7 * 86_400)]);
  });

  it("omits the attribute when ttlDays is 0", async () => {
    await saver({ ttlDays: 0 }).put(threadConfig("ttl-2"), emptyCheckpoint(), meta(0), {});

    expect((await rowsOf(aws.clients.dynamodb, "ttl-2"))[0]?.expiresAt).toBeUndefined();
  });

  it("reads the table name and TTL days from the environment", async () => {
    const fromEnv = DynamoDBSaver.fromEnv({
      client: aws.clients.dynamodb,
      env: { ...aws.env, CHECKPOINT_TTL_DAYS: "3" },
      now: () => now,
    });

    await fromEnv.put(threadConfig("ttl-3"), emptyCheckpoint(), meta(0), {});

    expect(fromEnv.table.name).toBe(aws.resources.checkpointTable.name);
    // The slack defaults to a quarter of the TTL.
    expect((await rowsOf(aws.clients.dynamodb, "ttl-3"))[0]?.expiresAt?.N).toBe(
      String(now / 1000 + 3.75 * 86_400),
    );
  });
});

describe("cost of an append-only channel", () => {
  it("writes per step what the step added, not the history, and reads back exactly", async () => {
    const writer = saver();
    const portfolio = { positions: Array.from({ length: 50 }, (_, i) => ({ symbol: `SYM${i}`, qty: i })) };
    let messages: BaseMessage[] = [];
    let config = threadConfig("append-1");
    const perStep: number[] = [];
    let fullStateBytes = 0;
    for (let step = 1; step <= 200; step++) {
      messages = [...messages, ...conversation(step + 1).slice(step)];
      const values = step === 1 ? { messages, portfolio } : { messages };
      const checkpoint = checkpointOf({ messages, portfolio }, step);
      checkpoint.channel_versions.portfolio = 1;
      const before = writer.stats.bytesWritten;
      config = await writer.put(config, checkpoint, meta(step), versionsOf(values, step));
      perStep.push(writer.stats.bytesWritten - before);
      fullStateBytes += JSON.stringify({ messages, portfolio }).length;
    }
    const avg = (from: number, to: number) =>
      perStep.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
    const written = perStep.reduce((a, b) => a + b, 0);

    const reader = saver();
    const tuple = await reader.getTuple(threadConfig("append-1"));

    expect(avg(150, 200)).toBeLessThan(1.6 * avg(25, 75));
    expect(written).toBeLessThan(fullStateBytes / 10);
    const stored = (tuple?.checkpoint.channel_values.messages ?? []) as BaseMessage[];
    expect(stored.map((m) => m.content)).toEqual(messages.map((m) => m.content));
    expect(tuple?.checkpoint.channel_values.portfolio).toEqual(portfolio);
    expect(reader.stats.itemsRead).toBeLessThanOrEqual(1 + 8 + 1);
  });

  it("stores a small step in one PutItem, and a task's writes (10 Sends) in one item", async () => {
    const writer = saver();
    let config = await writer.put(
      threadConfig("one-put"),
      checkpointOf({ messages: conversation(2) }, 1),
      meta(0),
      {
        messages: 1,
      },
    );
    const before = writer.stats;

    config = await writer.put(config, checkpointOf({ messages: conversation(3) }, 2), meta(1), {
      messages: 2,
    });
    const afterPut = writer.stats;
    const sends = Array.from({ length: 10 }, (_, i): [string, unknown] => [
      "__pregel_tasks",
      { node: "w", args: i },
    ]);
    await writer.putWrites(config, [...sends, ["report", "r"]], "planner");

    expect(afterPut.writeRequests - before.writeRequests).toBe(1);
    expect(writer.stats.writeRequests - afterPut.writeRequests).toBe(1);
    expect((await saver().getTuple(config))?.pendingWrites).toEqual([
      ...sends.map(([ch, v]) => ["planner", ch, v]),
      ["planner", "report", "r"],
    ]);
  });

  it("fails loudly with CheckpointCorruptError when a referenced segment is gone", async () => {
    const writer = saver({ inlineBytes: 0 });
    const config = await writer.put(
      threadConfig("corrupt-1"),
      checkpointOf({ messages: conversation(2) }, 1),
      meta(0),
      {
        messages: 1,
      },
    );
    const segment = (await rowsOf(aws.clients.dynamodb, "corrupt-1")).find((r) => r.sk?.S?.startsWith("s#"));
    await aws.clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: aws.resources.checkpointTable.name,
        Key: { pk: { S: "corrupt-1" }, sk: { S: segment?.sk?.S as string } },
      }),
    );

    await expect(saver().getTuple(config)).rejects.toMatchObject({
      name: "Switchyard.CheckpointCorrupt",
      code: "Switchyard.CheckpointCorrupt",
    });
    await expect(saver().getTuple(config)).rejects.toBeInstanceOf(CheckpointCorruptError);
  });
});

// The opt-in part of the conformance suite: DeltaChannel history over our stored writes.
deltaChannelHistoryTests({
  checkpointerName: "switchyard DynamoDBSaver",
  createCheckpointer: () => saver(),
});
