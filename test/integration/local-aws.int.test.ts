import { DescribeTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("startLocalAws", () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await startLocalAws({ stage: "itest" });
  });
  afterAll(async () => {
    await aws?.stop();
  });

  it("creates the checkpoint table from the shared resource module, on loopback", async () => {
    const table = await aws.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: aws.resources.checkpointTable.name }),
    );

    expect(aws.endpoints.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(table.Table?.TableStatus).toBe("ACTIVE");
    expect(table.Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(["pk", "sk"]);
  });

  it("round-trips an item through the real DynamoDB client", async () => {
    const TableName = aws.resources.checkpointTable.name;
    await aws.clients.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: "t" }, sk: { S: "1" } } }),
    );

    const got = await aws.clients.dynamodb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: "t" }, sk: { S: "1" } } }),
    );

    expect(got.Item?.pk?.S).toBe("t");
  });

  it("moves a poison message to the requests DLQ after maxReceiveCount receives", async () => {
    const { requestsQueue } = aws.resources;
    const url = aws.queueUrls[requestsQueue.name] as string;
    const dlqUrl = aws.queueUrls[requestsQueue.deadLetter?.name as string] as string;
    await aws.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));
    const maxReceives = requestsQueue.deadLetter?.maxReceiveCount as number;

    for (let i = 0; i < maxReceives; i++) {
      const got = await aws.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      expect(got.Messages).toHaveLength(1);
    }
    const afterLimit = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }),
    );
    const dead = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }),
    );

    expect(afterLimit.Messages ?? []).toHaveLength(0);
    expect(dead.Messages?.[0]?.Body).toBe("poison");
  });

  it("sets the requests queue's visibility timeout from the resource module", async () => {
    const url = aws.queueUrls[aws.resources.requestsQueue.name] as string;

    const attrs = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["VisibilityTimeout", "RedrivePolicy"],
      }),
    );

    expect(Number(attrs.Attributes?.VisibilityTimeout)).toBe(
      aws.resources.requestsQueue.visibilityTimeoutSeconds,
    );
    expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? "{}").maxReceiveCount).toBe(5);
  });

  it("delivers alerts published to the SNS topic to an SQS subscriber", async () => {
    const topicArn = aws.topicArns[aws.resources.alertsTopic.name] as string;
    const url = aws.queueUrls[aws.resources.failedRunsQueue.name] as string;
    const arn = aws.queueArns[aws.resources.failedRunsQueue.name] as string;
    await aws.clients.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: arn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );

    await aws.clients.sns.send(new PublishCommand({ TopicArn: topicArn, Message: "run failed" }));
    const got = await aws.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));

    expect(got.Messages?.[0]?.Body).toBe("run failed");
    await aws.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle as string }),
    );
  });

  it("lets several instances run side by side", async () => {
    const other = await startLocalAws({ stage: "itest" });
    try {
      expect(other.endpoints.dynamodb).not.toBe(aws.endpoints.dynamodb);
    } finally {
      await other.stop();
    }
  });
});
