import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { DynamoDBSaver } from "switchyard/checkpoint";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A node Lambda of a wide superstep reads the checkpoint plus only its own task's writes. */
let aws: LocalAws;
let saver: DynamoDBSaver;
beforeAll(async () => {
  aws = await startLocalAws({ stage: "task-writes" });
  saver = new DynamoDBSaver({ client: aws.clients.dynamodb, tableName: aws.resources.checkpointTable.name });
});
afterAll(async () => {
  await aws?.stop();
});

describe("DynamoDBSaver.getTupleForTasks", () => {
  it("returns the latest checkpoint with only the named tasks' pending writes", async () => {
    const thread = { configurable: { thread_id: "wide", checkpoint_ns: "" } };
    const config = await saver.put(
      thread,
      { ...emptyCheckpoint(), id: "1f000000-0000-6000-8000-000000000001" },
      { source: "loop", step: 1, parents: {} },
      {},
    );
    for (let i = 0; i < 30; i++) await saver.putWrites(config, [["out", i]], `task-${i}`);
    saver.resetStats();

    const narrow = await saver.getTupleForTasks(thread, ["task-7", "task-21"]);
    const narrowReads = saver.stats.itemsRead;
    const full = await saver.getTuple(thread);

    expect(narrow?.checkpoint.id).toBe(full?.checkpoint.id);
    expect(narrow?.pendingWrites?.map(([task, , value]) => [task, value])).toEqual([
      ["task-21", 21],
      ["task-7", 7],
    ]);
    expect(full?.pendingWrites).toHaveLength(30);
    expect(narrowReads).toBeLessThan(10);
  });

  it("reads the whole tuple when a checkpoint id is named", async () => {
    const thread = { configurable: { thread_id: "named", checkpoint_ns: "" } };
    const config = await saver.put(
      thread,
      { ...emptyCheckpoint(), id: "1f000000-0000-6000-8000-000000000002" },
      { source: "loop", step: 1, parents: {} },
      {},
    );
    await saver.putWrites(config, [["out", 1]], "a");
    await saver.putWrites(config, [["out", 2]], "b");

    const tuple = await saver.getTupleForTasks(config, ["a"]);

    expect(tuple?.pendingWrites).toHaveLength(2);
  });
});
