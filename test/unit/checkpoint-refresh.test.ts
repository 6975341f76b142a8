/**
 * refresh.ts over a mocked DynamoDB client: which carried items get their TTL pushed forward
 * (only those that would expire before the new checkpoint stops being readable, each item once),
 * what the refs remember of it, and that a carried item already gone fails the write.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { CheckpointCorruptError, DEFAULT_RETRY } from "switchyard/checkpoint";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { refreshCarried } from "../../functions/checkpoint/refresh.ts";
import { dumpRefs, loadRefs, type StoreContext } from "../../functions/checkpoint/segments.ts";
import { Table } from "../../functions/checkpoint/table.ts";
import type { ChannelRefs } from "../../functions/checkpoint/types.ts";

const client = new DynamoDBClient({ region: "us-east-1" });
const mock = mockClient(client);
afterAll(() => mock.restore());
beforeEach(() => mock.reset());

const life = { attribute: "expiresAt", readableUntil: 2_000, expiresAt: 2_500 };
const ctx = (withLife = true): StoreContext => ({
  table: new Table(client, "t", "pk", "sk", { ...DEFAULT_RETRY, sleep: async () => undefined }),
  threadId: "thread-1",
  ns: "",
  ...(withLife ? { life } : {}),
});
const seg = (hash: string, extra: object = {}) => ({
  version: 1,
  hash,
  parts: 1,
  keep: 0,
  size: 10,
  ...extra,
});
const refs: ChannelRefs = {
  fresh: { version: 3, type: "json", segments: [seg("A", { exp: 2_000, at: "ck9" })] },
  messages: {
    version: 2,
    type: "json",
    segments: [seg("B", { exp: 1_900, at: "ck1" }), seg("D", { at: "ck1" })],
  },
  profile: { version: 1, type: "json", segments: [seg("C", { parts: 2 })] },
};
const updated = () =>
  mock.commandCalls(UpdateItemCommand).map((c) => c.args[0].input as UpdateItemCommandInput);

describe("refreshCarried", () => {
  it("pushes forward each item that would expire before the checkpoint stops being readable, once", async () => {
    mock.on(UpdateItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 3 } });

    const live = await refreshCarried(ctx(), refs);

    expect(
      updated()
        .map((u) => u.Key?.sk?.S)
        .sort(),
    ).toEqual(["c##ck1#~", "s##profile#1#C", "s##profile#1#C#1"]);
    for (const u of updated()) {
      expect(u.ExpressionAttributeValues?.[":v"]).toEqual({ N: "2500" });
      expect(u.ConditionExpression).toBe("attribute_exists(#sk)");
    }
    expect(live.fresh).toEqual(refs.fresh);
    expect(live.messages?.segments.map((s) => s.exp)).toEqual([2_500, 2_500]);
    expect(live.profile?.segments.map((s) => s.exp)).toEqual([2_500]);
  });

  it("does nothing without a TTL", async () => {
    expect(await refreshCarried(ctx(false), refs)).toBe(refs);
    expect(updated()).toHaveLength(0);
  });

  it("fails the write when a carried item is already gone, naming its channel", async () => {
    mock
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: "gone", $metadata: {} }));

    await expect(refreshCarried(ctx(), { profile: refs.profile } as ChannelRefs)).rejects.toThrow(
      CheckpointCorruptError,
    );
    await expect(refreshCarried(ctx(), { profile: refs.profile } as ChannelRefs)).rejects.toThrow(
      /"profile"/,
    );
  });
});

describe("stored refs", () => {
  it("keep each segment's TTL, with or without an inline host, and read refs stored before TTLs were kept", () => {
    expect(loadRefs(dumpRefs(refs))).toEqual(refs);
    expect(loadRefs('{"m":[2,"json",[[2,"H",1,0,5,"ck1"],[2,"G",1,5,3]]]}')).toEqual({
      m: {
        version: 2,
        type: "json",
        segments: [seg("H", { version: 2, size: 5, at: "ck1" }), seg("G", { version: 2, keep: 5, size: 3 })],
      },
    });
  });
});
