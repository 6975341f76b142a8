import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CheckpointCorruptError, ThreadLeases } from "#checkpoint";

/**
 * A failed run's record is one item beside its checkpoints — the thread's lease, released with
 * why (functions/checkpoint/lease.ts): written by one conditional UpdateItem, read by one GetItem.
 */
const dynamodb = mockClient(DynamoDBClient);
const leases = () =>
  new ThreadLeases({
    client: new DynamoDBClient({}),
    tableName: "checkpoints",
    partitionKey: "pk",
    sortKey: "sk",
    ttlAttribute: "expiresAt",
    now: () => 1_000_000_000_000,
  });
const leaseItem = (failure?: string) => ({
  pk: { S: "triage_1" },
  sk: { S: "lease" },
  holder: { S: "triage_1" },
  takenAt: { N: "1000" },
  leaseUntil: { N: "0" },
  ...(failure === undefined ? {} : { failure: { S: failure } }),
});

beforeEach(() => dynamodb.reset());

describe("recording a failure beside the checkpoints", () => {
  it("releases the failed execution's own lease with code, message, node, status and checkpoint", async () => {
    dynamodb.on(UpdateItemCommand).resolves({});

    await leases().release("triage_1", "triage_1", {
      code: "States.Timeout",
      message: "The execution timed out.",
      node: "classify",
      status: "TIMED_OUT",
      checkpointId: "1f0c",
    });

    const calls = dynamodb.commandCalls(UpdateItemCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: { S: "triage_1" }, sk: { S: "lease" } });
    // Only the holder's own lease: a newer execution's lease is never overwritten.
    expect(input?.ConditionExpression).toBe("#holder = :holder");
    expect(input?.ExpressionAttributeValues?.[":holder"]).toEqual({ S: "triage_1" });
    expect(input?.ExpressionAttributeValues?.[":exp"]).toEqual({ N: "0" });
    // Kept 14 days from the release under the table's TTL attribute, past the lease's own day.
    expect(input?.ExpressionAttributeNames?.["#ttl"]).toBe("expiresAt");
    expect(input?.ExpressionAttributeValues?.[":keep"]).toEqual({ N: String(1_000_000_000 + 14 * 86_400) });
    expect(JSON.parse(input?.ExpressionAttributeValues?.[":why"]?.S ?? "")).toEqual({
      code: "States.Timeout",
      message: "The execution timed out.",
      node: "classify",
      status: "TIMED_OUT",
      checkpointId: "1f0c",
    });
  });

  it("leaves a lease another execution took since alone, without an error", async () => {
    dynamodb
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "held", $metadata: {} }));

    await expect(
      leases().release("triage_1", "old-execution", { code: "States.Timeout", message: "late" }),
    ).resolves.toBeUndefined();

    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });
});

describe("reading the failure back (failureOf)", () => {
  it("reads the one item, consistently, and returns its failure", async () => {
    dynamodb.on(GetItemCommand).resolves({
      Item: leaseItem(
        JSON.stringify({ code: "Booking.Down", message: "down", node: "book", status: "FAILED" }),
      ),
    });

    const failure = await leases().failureOf("triage_1");

    expect(failure).toEqual({ code: "Booking.Down", message: "down", node: "book", status: "FAILED" });
    const calls = dynamodb.commandCalls(GetItemCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { TableName: "checkpoints", Key: { pk: { S: "triage_1" }, sk: { S: "lease" } }, ConsistentRead: true },
    ]);
  });

  it("is undefined when the thread has no lease item, or a lease without a failure", async () => {
    dynamodb.on(GetItemCommand).resolvesOnce({}).resolvesOnce({ Item: leaseItem() });

    expect(await leases().failureOf("triage_1")).toBeUndefined();
    expect(await leases().failureOf("triage_1")).toBeUndefined();
    expect(dynamodb.commandCalls(GetItemCommand)).toHaveLength(2);
  });

  it("refuses a failure that is not JSON as a corrupt item, naming the thread", async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: leaseItem("{not json") });

    const err = await leases()
      .failureOf("triage_1")
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as CheckpointCorruptError).code).toBe("Switchyard.CheckpointCorrupt");
    expect((err as Error).message).toContain('"triage_1"');
  });

  it("refuses a failure without a code, or with a status no execution ends in", async () => {
    dynamodb
      .on(GetItemCommand)
      .resolvesOnce({ Item: leaseItem(JSON.stringify({ message: "no code" })) })
      .resolvesOnce({ Item: leaseItem(JSON.stringify({ code: "X", message: "m", status: "PAUSED" })) });

    const noCode = await leases()
      .failureOf("triage_1")
      .catch((e: unknown) => e);
    const badStatus = await leases()
      .failureOf("triage_1")
      .catch((e: unknown) => e);

    expect(noCode).toBeInstanceOf(CheckpointCorruptError);
    expect((noCode as Error).message).toMatch(/code/);
    expect(badStatus).toBeInstanceOf(CheckpointCorruptError);
    expect((badStatus as Error).message).toMatch(/status/);
  });
});
