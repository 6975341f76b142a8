/**
 * Throttles and unprocessed batch items, through the real saver over a mocked DynamoDB client
 * (aws-sdk-client-mock) backed by a tiny in-memory table: every injected fault is retried with
 * backoff, and no write is lost.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { mockClient } from "aws-sdk-client-mock";
import {
  CheckpointStorageError,
  DEFAULT_RETRY,
  DynamoDBSaver,
  saverOptionsFromEnv,
  withStorageRetry,
} from "switchyard/checkpoint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backoffDelay } from "#core";

type Item = Record<string, AttributeValue>;
const TABLE = "unit-checkpoints";
const fault = (name: string) => Object.assign(new Error(`injected ${name}`), { name, $metadata: {} });
const skOf = (item: Item) => item.sk?.S ?? "";

/** The mocked client and its in-memory table; `faults` are consumed before normal handling. */
function fakeDynamo() {
  const rows = new Map<string, Item>();
  const faults: Record<string, (Error | { unprocess: number })[]> = {};
  const mock = mockClient(DynamoDBClient);
  const next = (command: string) => {
    const f = faults[command]?.shift();
    if (f instanceof Error) throw f;
    return f;
  };
  mock.on(PutItemCommand).callsFake((input) => {
    next("PutItem");
    const sk = skOf(input.Item);
    if (input.ConditionExpression && rows.has(sk)) {
      throw new ConditionalCheckFailedException({ message: "exists", $metadata: {} });
    }
    rows.set(sk, input.Item);
    return {};
  });
  mock.on(GetItemCommand).callsFake((input) => ({ Item: rows.get(skOf(input.Key)) }));
  mock.on(QueryCommand).callsFake((input) => {
    const prefix: string = input.ExpressionAttributeValues[":p"]?.S ?? "";
    const found = [...rows.values()].filter((r) => skOf(r).startsWith(prefix));
    found.sort((a, b) => (skOf(a) < skOf(b) ? -1 : 1));
    if (input.ScanIndexForward === false) found.reverse();
    return { Items: input.Limit ? found.slice(0, input.Limit) : found };
  });
  mock.on(BatchWriteItemCommand).callsFake((input) => {
    const f = next("BatchWriteItem");
    const requests: WriteRequest[] = input.RequestItems[TABLE];
    const unprocessed = f && !(f instanceof Error) ? requests.slice(0, f.unprocess) : [];
    for (const r of requests.slice(unprocessed.length)) {
      if (r.PutRequest?.Item) rows.set(skOf(r.PutRequest.Item), r.PutRequest.Item);
      if (r.DeleteRequest?.Key) rows.delete(skOf(r.DeleteRequest.Key));
    }
    return { UnprocessedItems: unprocessed.length ? { [TABLE]: unprocessed } : {} };
  });
  mock.on(BatchGetItemCommand).callsFake((input) => {
    const f = next("BatchGetItem");
    const keys: Item[] = input.RequestItems[TABLE].Keys;
    const unprocessed = f && !(f instanceof Error) ? keys.slice(0, f.unprocess) : [];
    const found = keys.slice(unprocessed.length).flatMap((k): Item[] => {
      const row = rows.get(skOf(k));
      return row ? [row] : [];
    });
    return {
      Responses: { [TABLE]: found },
      UnprocessedKeys: unprocessed.length ? { [TABLE]: { Keys: unprocessed } } : {},
    };
  });
  return { mock, rows, faults };
}

describe("DynamoDBSaver retries", () => {
  let fake: ReturnType<typeof fakeDynamo>;
  let sleeps: number[];
  let saver: DynamoDBSaver;
  beforeEach(() => {
    fake = fakeDynamo();
    sleeps = [];
    saver = new DynamoDBSaver({
      client: new DynamoDBClient({ region: "us-east-1" }),
      tableName: TABLE,
      // Segments in items of their own, so puts exercise BatchWriteItem and reads BatchGetItem.
      inlineBytes: 0,
      retry: { maxAttempts: 6, sleep: async (ms) => void sleeps.push(ms) },
    });
  });
  afterEach(() => fake.mock.restore());

  /** A checkpoint with five changed channels: five segment items in one BatchWriteItem. */
  const checkpointWithChannels = () => {
    const checkpoint = emptyCheckpoint();
    const names = ["a", "b", "c", "d", "e"];
    for (const [i, ch] of names.entries()) {
      checkpoint.channel_values[ch] = { ch, payload: "x".repeat(100 * (i + 1)) };
      checkpoint.channel_versions[ch] = 1;
    }
    return { checkpoint, newVersions: Object.fromEntries(names.map((n) => [n, 1])) };
  };
  const config = { configurable: { thread_id: "t-1", checkpoint_ns: "" } };
  const meta = { source: "loop" as const, step: 1, parents: {} };

  it("resends unprocessed items and rides out throttles until every item is written", async () => {
    const { checkpoint, newVersions } = checkpointWithChannels();
    fake.faults.BatchWriteItem = [
      { unprocess: 3 },
      fault("ProvisionedThroughputExceededException"),
      { unprocess: 1 },
      fault("ThrottlingException"),
    ];
    fake.faults.PutItem = [fault("ThrottlingException")];

    const stored = await saver.put(config, checkpoint, meta, newVersions);
    const tuple = await saver.getTuple(stored);

    expect([...fake.rows.keys()].filter((sk) => sk.startsWith("s#"))).toHaveLength(5);
    expect(tuple?.checkpoint.channel_values).toEqual(checkpoint.channel_values);
    expect(saver.stats.retries).toBe(5);
    expect(sleeps).toHaveLength(5);
    expect(sleeps.every((ms) => ms >= 0 && ms <= (DEFAULT_RETRY.maxDelayMs ?? 0))).toBe(true);
  });

  it("resends unprocessed keys of BatchGetItem until every segment is read", async () => {
    const { checkpoint, newVersions } = checkpointWithChannels();
    const stored = await saver.put(config, checkpoint, meta, newVersions);
    fake.faults.BatchGetItem = [{ unprocess: 4 }, fault("ThrottlingException"), { unprocess: 2 }];

    const tuple = await saver.getTuple(stored);

    expect(tuple?.checkpoint.channel_values).toEqual(checkpoint.channel_values);
    expect(saver.stats.retries).toBe(3);
  });

  it("gives up with CheckpointStorageError and never writes the checkpoint item when items stay unprocessed", async () => {
    const { checkpoint, newVersions } = checkpointWithChannels();
    fake.faults.BatchWriteItem = Array.from({ length: 10 }, () => ({ unprocess: 5 }));

    const put = saver.put(config, checkpoint, meta, newVersions);

    await expect(put).rejects.toBeInstanceOf(CheckpointStorageError);
    await expect(put).rejects.toMatchObject({ code: "Switchyard.CheckpointStorage" });
    expect([...fake.rows.keys()].some((sk) => sk.startsWith("c#"))).toBe(false);
    expect(await saver.getTuple(config)).toBeUndefined();
  });

  it("gives up after maxAttempts throttles, the last one as cause", async () => {
    fake.faults.PutItem = Array.from({ length: 6 }, () => fault("ThrottlingException"));

    const put = saver.put(config, emptyCheckpoint(), meta, {});

    await expect(put).rejects.toMatchObject({
      code: "Switchyard.CheckpointStorage",
      cause: { name: "ThrottlingException" },
    });
    expect(sleeps).toHaveLength(5);
  });

  it("does not retry a validation error", async () => {
    fake.faults.PutItem = [fault("ValidationException")];

    await expect(saver.put(config, emptyCheckpoint(), meta, {})).rejects.toMatchObject({
      name: "ValidationException",
    });
    expect(saver.stats.retries).toBe(0);
  });

  it("keeps the first regular pending write and overwrites special ones", async () => {
    const stored = await saver.put(config, emptyCheckpoint(), meta, {});
    await saver.putWrites(stored, [["messages", "first"]], "task-1");
    await saver.putWrites(stored, [["__error__", "boom-1"]], "task-1");

    await saver.putWrites(stored, [["messages", "second"]], "task-1");
    await saver.putWrites(stored, [["__error__", "boom-2"]], "task-1");

    expect((await saver.getTuple(stored))?.pendingWrites).toEqual([
      ["task-1", "__error__", "boom-2"],
      ["task-1", "messages", "first"],
    ]);
  });
});

describe("retry policy", () => {
  it("backs off exponentially with full jitter, capped", () => {
    const policy = { ...DEFAULT_RETRY, random: () => 0.999 };

    const delays = [1, 2, 3, 4, 11].map((attempt) => backoffDelay(policy, attempt));

    expect(delays).toEqual([24, 49, 99, 199, 1998]);
    expect(backoffDelay({ ...DEFAULT_RETRY, random: () => 0 }, 6)).toBe(0);
  });

  it("returns the first success after retryable failures", async () => {
    let calls = 0;
    const policy = { ...DEFAULT_RETRY, sleep: async () => {} };

    const out = await withStorageRetry(policy, async () => {
      calls++;
      if (calls < 3) throw fault("ThrottlingException");
      return "ok";
    });

    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });

  it("turns a throttle that outlasts every attempt into CheckpointStorageError, and passes a fatal one through", async () => {
    const policy = { ...DEFAULT_RETRY, maxAttempts: 2, sleep: async () => {} };
    const throttled = withStorageRetry(policy, async () => {
      throw fault("ThrottlingException");
    });
    await expect(throttled).rejects.toMatchObject({
      code: "Switchyard.CheckpointStorage",
      retryable: true,
      cause: { name: "ThrottlingException" },
    });
    const invalid = withStorageRetry(policy, async () => {
      throw fault("ValidationException");
    });
    await expect(invalid).rejects.toMatchObject({ name: "ValidationException" });
  });
});

describe("the saver's client from the environment", () => {
  it("makes one attempt per send, so the saver's loop is the only retry", async () => {
    const { client } = saverOptionsFromEnv({ env: { AWS_REGION: "eu-west-1" } });
    expect(await client.config.maxAttempts()).toBe(1);
  });
});
