/**
 * Long threads never rot (functions/checkpoint/refresh.ts): a thread's carried values stay
 * readable for as long as its newest checkpoint is. dynalite never expires items, so the test is
 * DynamoDB TTL itself: before each read it deletes every item whose `expiresAt` has passed on the
 * saver's clock, as DynamoDB's TTL process may at any moment after that time.
 */
import { randomBytes } from "node:crypto";
import {
  DeleteItemCommand,
  DynamoDBClient,
  paginateScan,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { Annotation, MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { CheckpointCorruptError, DynamoDBSaver } from "switchyard/checkpoint";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DAY = 86_400_000;
const T0 = Date.UTC(2031, 0, 1);
const TTL_DAYS = 30;

let aws: LocalAws;
/** A client of our own, so counting its UpdateItem calls changes nothing shared. */
let client: DynamoDBClient;
/** Sort keys of every UpdateItem sent (the TTL refreshes), in order. */
const refreshed: string[] = [];
beforeAll(async () => {
  aws = await startLocalAws({ stage: "cpttltest" });
  client = new DynamoDBClient({
    region: aws.region,
    endpoint: aws.endpoints.dynamodb,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input: { Key?: { sk?: { S?: string } } } }).input;
      if (context.commandName === "UpdateItemCommand") refreshed.push(input.Key?.sk?.S ?? "");
      return next(args);
    },
    { step: "initialize", name: "countUpdates" },
  );
});
afterAll(async () => {
  client?.destroy();
  await aws?.stop();
});

const table = () => aws.resources.checkpointTable.name;

/** DynamoDB TTL at `now`: deletes every item whose TTL has passed. Returns how many it deleted. */
async function sweep(now: number): Promise<number> {
  let deleted = 0;
  for await (const page of paginateScan({ client }, { TableName: table() })) {
    for (const item of page.Items ?? []) {
      const ttl = item.expiresAt?.N;
      if (ttl === undefined || Number(ttl) > now / 1000 || !item.pk || !item.sk) continue;
      await client.send(new DeleteItemCommand({ TableName: table(), Key: { pk: item.pk, sk: item.sk } }));
      deleted++;
    }
  }
  return deleted;
}

async function rowsOf(threadId: string) {
  const out = await client.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": { S: threadId } },
    }),
  );
  return out.Items ?? [];
}

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** Written on the first turn only: carried by reference by every later checkpoint. */
  profile: Annotation<string>,
});

/** A desk assistant's thread: each turn a question and an answer appended; the profile never changes. */
function assistant(saver: DynamoDBSaver) {
  return new StateGraph(State)
    .addNode("answer", (s) => ({ messages: [new AIMessage(`Answer ${s.messages.length}`)] }))
    .addEdge("__start__", "answer")
    .addEdge("answer", "__end__")
    .compile({ checkpointer: saver });
}

/** A saver on the test's clock (a fresh one per call: no cached refs or values help a read). */
function saverAt(clock: { now: number }) {
  return new DynamoDBSaver({ client, tableName: table(), ttlDays: TTL_DAYS, now: () => clock.now });
}

// Big and random: stored compressed in items of its own, not inline in a checkpoint item.
const profile = randomBytes(40_000).toString("hex");

/** The profile's own item (the first turn's `__start__` input holds it too, but is not carried). */
const isProfile = (row: Record<string, { S?: string }>) => row.sk?.S?.startsWith("s##profile#") === true;

async function turn(clock: { now: number }, threadId: string, i: number) {
  const input = { messages: [new HumanMessage(`Question ${i}`)], ...(i === 0 ? { profile } : {}) };
  await assistant(saverAt(clock)).invoke(input, { configurable: { thread_id: threadId } });
}

describe("a thread older than ttlDays", () => {
  it("reads back whole while its newest checkpoint lives, though its first values were written 90 days before", async () => {
    const clock = { now: T0 };
    const turns = 10;
    let swept = 0;
    for (let i = 0; i < turns; i++) {
      clock.now = T0 + i * 10 * DAY;
      swept += await sweep(clock.now);
      await turn(clock, "long-1", i);
    }
    const newest = clock.now;
    // The last second the newest checkpoint is readable, with everything expired by then deleted.
    clock.now = newest + TTL_DAYS * DAY - 1000;
    swept += await sweep(clock.now);

    const tuple = await saverAt(clock).getTuple({ configurable: { thread_id: "long-1" } });
    const history = [];
    for await (const t of saverAt(clock).list({ configurable: { thread_id: "long-1" } })) history.push(t);

    expect(swept).toBeGreaterThan(0);
    const messages = tuple?.checkpoint.channel_values.messages as BaseMessage[];
    expect(messages.map((m) => m.content)).toEqual(
      Array.from({ length: turns }, (_, i) => [`Question ${i}`, `Answer ${2 * i + 1}`]).flat(),
    );
    expect(tuple?.checkpoint.channel_values.profile).toBe(profile);
    // History holds only checkpoints still readable: the last turn's (input, loop), none older.
    expect(history.map((t) => t.metadata?.step)).toEqual([3 * turns - 2, 3 * turns - 3, 3 * turns - 4]);
  });

  it("reads as absent, not corrupt, once its newest checkpoint is past ttlDays; and every item expires after it", async () => {
    const clock = { now: T0 };
    await turn(clock, "long-2", 0);
    clock.now = T0 + 20 * DAY;
    await turn(clock, "long-2", 1);

    clock.now = T0 + 20 * DAY + TTL_DAYS * DAY + 1000;
    await sweep(clock.now);
    const readBack = await saverAt(clock).getTuple({ configurable: { thread_id: "long-2" } });
    const rowsLeft = (await rowsOf("long-2")).length;
    // The default slack is a quarter of the TTL: nothing is kept past it.
    clock.now = T0 + 20 * DAY + 1.25 * TTL_DAYS * DAY + 1000;
    await sweep(clock.now);

    expect(readBack).toBeUndefined();
    expect(rowsLeft).toBeGreaterThan(0);
    expect(await rowsOf("long-2")).toHaveLength(0);
  });

  it("the sweep does break a thread whose carried item expires early (the check above can fail)", async () => {
    const clock = { now: T0 };
    await turn(clock, "rot-1", 0);
    clock.now = T0 + DAY;
    await turn(clock, "rot-1", 1);
    const segment = (await rowsOf("rot-1")).find(isProfile);
    await client.send(
      new UpdateItemCommand({
        TableName: table(),
        Key: { pk: { S: "rot-1" }, sk: segment?.sk ?? { S: "" } },
        UpdateExpression: "SET expiresAt = :past",
        ExpressionAttributeValues: { ":past": { N: String(T0 / 1000) } },
      }),
    );

    await sweep(clock.now);

    await expect(saverAt(clock).getTuple({ configurable: { thread_id: "rot-1" } })).rejects.toThrow(
      CheckpointCorruptError,
    );
  });

  it("fails the next turn with CheckpointCorruptError when a carried item is already gone", async () => {
    const clock = { now: T0 };
    await turn(clock, "rot-2", 0);
    const segment = (await rowsOf("rot-2")).find(isProfile);
    await client.send(
      new DeleteItemCommand({
        TableName: table(),
        Key: { pk: { S: "rot-2" }, sk: segment?.sk ?? { S: "" } },
      }),
    );
    clock.now = T0 + 10 * DAY;

    await expect(turn(clock, "rot-2", 1)).rejects.toThrow(CheckpointCorruptError);
  });
});

describe("the cost of staying readable", () => {
  it("refreshes nothing within the slack, then each carried item at most once per slack", async () => {
    const clock = { now: T0 };
    const before = refreshed.length;
    for (let day = 0; day < 7; day++) {
      clock.now = T0 + day * DAY;
      await turn(clock, "cost-1", day);
    }
    const withinSlack = refreshed.length - before;
    for (let day = 7; day < 60; day++) {
      clock.now = T0 + day * DAY;
      await turn(clock, "cost-1", day);
    }
    const perItem = new Map<string, number>();
    for (const sk of refreshed.slice(before)) perItem.set(sk, (perItem.get(sk) ?? 0) + 1);

    expect(withinSlack).toBe(0);
    expect(perItem.size).toBeGreaterThan(0);
    // 53 more days at a slack of 7.5 days: at most 8 refreshes of any one item, not one per turn.
    expect(Math.max(...perItem.values())).toBeLessThanOrEqual(Math.ceil(53 / 7.5) + 1);
  });
});
