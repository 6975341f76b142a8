import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { ThreadBusyError, ThreadLeases } from "#checkpoint";

/** The lease's requests: throttles retried like the saver's, a lost condition a typed refusal. */
function fakeClient(answers: ((command: unknown) => unknown)[]) {
  const sent: string[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push((command as object).constructor.name);
      const answer = answers.shift();
      if (!answer) throw new Error("unexpected request");
      return answer(command);
    },
  } as unknown as DynamoDBClient;
  return { client, sent };
}

const throttled = () => {
  throw new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} });
};
const lost = () => {
  throw new ConditionalCheckFailedException({ message: "held", $metadata: {} });
};

describe("ThreadLeases requests", () => {
  it("retries a throttled take until it is written", async () => {
    const { client, sent } = fakeClient([throttled, throttled, () => ({})]);
    const leases = new ThreadLeases({ client, tableName: "t" });

    await leases.take("thread-1", "exec-1");

    expect(sent).toEqual(["PutItemCommand", "PutItemCommand", "PutItemCommand"]);
  });

  it("turns a lost condition into ThreadBusy, naming the holder it reads back", async () => {
    const item = {
      holder: { S: "exec-0" },
      owner: { S: "pid 7 on box" },
      takenAt: { N: "0" },
      leaseUntil: { N: "900000" },
    };
    const { client, sent } = fakeClient([lost, (c) => (c instanceof GetItemCommand ? { Item: item } : {})]);
    const leases = new ThreadLeases({ client, tableName: "t" });

    const refusal = await leases.renew("thread-1", "exec-1").catch((err: unknown) => err);

    expect(sent).toEqual(["UpdateItemCommand", "GetItemCommand"]);
    expect(refusal).toBeInstanceOf(ThreadBusyError);
    expect((refusal as ThreadBusyError).held).toMatchObject({
      holder: "exec-0",
      owner: "pid 7 on box",
      expiresAt: 900000,
    });
    expect((refusal as Error).message).toBe(
      'Thread "thread-1" is held by execution exec-0 (pid 7 on box) until 1970-01-01T00:15:00.000Z: one execution per thread.',
    );
  });

  it("a release another holder already replaced is no error", async () => {
    const { client, sent } = fakeClient([lost]);
    const leases = new ThreadLeases({ client, tableName: "t" });

    await leases.release("thread-1", "exec-1");

    expect(sent).toEqual(["UpdateItemCommand"]);
  });
});
