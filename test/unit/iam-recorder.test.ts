/**
 * The IAM recorder and its mapping, without the network: SDK middleware records a call with the
 * Lambda whose invocation made it (and only then), answers for services with no emulator, and each
 * recorded call becomes the IAM request(s) AWS would authorize, on the stage's ARNs.
 */
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { iamRequests } from "../fixtures/iam/calls.ts";
import { asFunction, recordSdkCalls } from "../fixtures/iam/recorder.ts";

const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:switchyard-dev-triage";

describe("the SDK call recorder", () => {
  it("records a call with the Lambda it ran in, and leaves out calls made outside any invocation", async () => {
    const recorder = recordSdkCalls();
    try {
      const sfn = new SFNClient({
        region: "us-east-1",
        credentials: { accessKeyId: "x", secretAccessKey: "x" },
      });
      const started = await asFunction("dispatcher", () =>
        sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: "run-1" })),
      );
      await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: "outside" }));

      expect(started.executionArn).toBe(`${MACHINE.replace(":stateMachine:", ":execution:")}:run-1`);
      expect(recorder.calls).toEqual([
        {
          function: "dispatcher",
          client: "SFNClient",
          operation: "StartExecution",
          input: { stateMachineArn: MACHINE, name: "run-1" },
        },
      ]);
    } finally {
      recorder.stop();
    }
  });
});

describe("recorded calls as IAM requests", () => {
  const call = (client: string, operation: string, input: Record<string, unknown>) =>
    iamRequests({ function: "api", client, operation, input });

  it("names the action IAM checks, which is not always the operation", () => {
    expect(call("S3Client", "ListObjectsV2", { Bucket: "switchyard-dev-data", Prefix: "incoming/" })).toEqual(
      [{ action: "s3:ListBucket", resource: "arn:aws:s3:::switchyard-dev-data" }],
    );
    expect(
      call("S3Client", "HeadObject", { Bucket: "switchyard-dev-data", Key: "runs/r/breaks.json" }),
    ).toEqual([{ action: "s3:GetObject", resource: "arn:aws:s3:::switchyard-dev-data/runs/r/breaks.json" }]);
    expect(
      call("SQSClient", "SendMessageBatch", {
        QueueUrl: "http://sqs.us-east-1.127.0.0.1:4566/000000000000/switchyard-dev-requests",
      }),
    ).toEqual([
      { action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:123456789012:switchyard-dev-requests" },
    ]);
  });

  it("puts each table of a batch and the emulators' ARNs into the stage's account and region", () => {
    expect(
      call("DynamoDBClient", "BatchGetItem", { RequestItems: { "switchyard-dev-checkpoints": {} } }),
    ).toEqual([
      {
        action: "dynamodb:BatchGetItem",
        resource: "arn:aws:dynamodb:us-east-1:123456789012:table/switchyard-dev-checkpoints",
      },
    ]);
    expect(
      call("SNSClient", "Publish", { TopicArn: "arn:aws:sns:us-east-1:000000000000:switchyard-dev-alerts" }),
    ).toEqual([
      { action: "sns:Publish", resource: "arn:aws:sns:us-east-1:123456789012:switchyard-dev-alerts" },
    ]);
    expect(
      call("SecretsManagerClient", "GetSecretValue", { SecretId: "switchyard-dev/slack-webhook" }),
    ).toEqual([
      {
        action: "secretsmanager:GetSecretValue",
        resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:switchyard-dev/slack-webhook-Ab12Cd",
      },
    ]);
  });

  it("refuses a client it has no mapping for", () => {
    expect(() => call("EC2Client", "RunInstances", {})).toThrow(/no IAM mapping for EC2Client\.RunInstances/);
  });
});
