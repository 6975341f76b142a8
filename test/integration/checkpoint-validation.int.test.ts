/**
 * The official LangGraph conformance suite (@langchain/langgraph-checkpoint-validation) against
 * DynamoDBSaver on the embedded DynamoDB. Its CLI is broken, so `validate` runs here; it registers
 * its suites through vitest globals (on in vitest.config.ts). The name must not be "MemorySaver"
 * & co: the suite skips "should only store channel_values that have changed" for those.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { validate } from "@langchain/langgraph-checkpoint-validation";
import { DynamoDBSaver } from "switchyard/checkpoint";
import { type LocalAws, startLocalAws } from "switchyard/local";

let aws: LocalAws | undefined;
let tables = 0;

validate<DynamoDBSaver>({
  checkpointerName: "switchyard DynamoDBSaver",
  beforeAllTimeout: 30_000,
  async beforeAll() {
    aws = await startLocalAws({ stage: "conformance" });
  },
  async afterAll() {
    await aws?.stop();
  },
  // The suite expects each checkpointer to start empty (list without a thread id sees the whole
  // store), so each gets a table of its own, shaped like the real one; dynalite creates it at once.
  async createCheckpointer() {
    if (!aws) throw new Error("embedded AWS not started");
    const spec = aws.resources.checkpointTable;
    const tableName = `${spec.name}-${++tables}`;
    await aws.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: spec.partitionKey, AttributeType: "S" },
          { AttributeName: spec.sortKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: "HASH" },
          { AttributeName: spec.sortKey, KeyType: "RANGE" },
        ],
      }),
    );
    // dynalite answers CreateTable while the table is still CREATING, even with createTableMs 0.
    for (;;) {
      const { Table } = await aws.clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === "ACTIVE") break;
      await sleep(5);
    }
    return new DynamoDBSaver({ client: aws.clients.dynamodb, tableName });
  },
  async destroyCheckpointer(saver) {
    await aws?.clients.dynamodb.send(new DeleteTableCommand({ TableName: saver.table.name }));
  },
});
