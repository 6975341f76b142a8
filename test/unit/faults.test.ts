import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { classifyError } from "#core";
import {
  FaultInjectionCallbacks,
  Faults,
  faultCallbacksWhenArmed,
  faultWrapperWhenArmed,
  InvalidFaultsError,
  parseFaults,
  withFaults,
} from "#faults";
import { type Observation, verdictOf } from "../../bench/lib/faults-verdict.ts";

/** A DynamoDB client answered in-process (no network in unit tests), recording what reached the wire. */
function recorded(sent: string[], maxAttempts: number): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    maxAttempts,
    credentials: { accessKeyId: "unit", secretAccessKey: "unit" },
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        sent.push(request.headers["x-amz-target"] ?? "");
        return { response: { statusCode: 200, headers: {}, body: Buffer.from("{}") } };
      },
    } as never,
  });
}

describe("parseFaults", () => {
  it("reads kind:name=mode*count entries, count 1 by default", () => {
    expect(
      parseFaults("node:classify=throw*2, aws:DynamoDB.PutItem=throttle*3,tool:get_positions=timeout", "dev"),
    ).toEqual([
      { kind: "node", name: "classify", mode: "throw", count: 2 },
      { kind: "aws", name: "DynamoDB.PutItem", mode: "throttle", count: 3 },
      { kind: "tool", name: "get_positions", mode: "timeout", count: 1 },
    ]);
    expect(parseFaults(undefined, "prod")).toEqual([]);
  });

  it("refuses faults in production stages", () => {
    for (const stage of ["prod", "production", "prod-eu", "live"]) {
      expect(() => parseFaults("node:x=throw", stage)).toThrow(InvalidFaultsError);
    }
    expect(parseFaults("node:x=throw", "products-dev")).toHaveLength(1);
  });

  it("names what is wrong with a bad entry", () => {
    expect(() => parseFaults("node:x=explode", "dev")).toThrow(/mode must be throw, timeout or throttle/);
    expect(() => parseFaults("db:x=throw", "dev")).toThrow(/kind must be node, tool or aws/);
    expect(() => parseFaults("node:x=throw*0", "dev")).toThrow(/count must be/);
    expect(() => parseFaults("classify", "dev")).toThrow(/kind:name=mode/);
  });
});

describe("Faults", () => {
  it("fails a named call N times, then lets it through, and records each injection", () => {
    const faults = new Faults(parseFaults("node:classify=throw*2", "dev"));

    const seen = [1, 2, 3].map(() => faults.take("node", "classify")?.name);

    expect(seen).toEqual(["Switchyard.InjectedFault", "Switchyard.InjectedFault", undefined]);
    expect(faults.take("node", "report")).toBeUndefined();
    expect(faults.injected.map((f) => f.mode)).toEqual(["throw", "throw"]);
    expect(faults.armed).toBe(false);
  });

  it("shapes faults as the real failures: throttles and timeouts retryable, throws fatal", () => {
    const faults = new Faults(parseFaults("aws:*=throttle,tool:t=timeout,node:n=throw", "dev"));

    const throttle = faults.take("aws", "PutItem", "DynamoDB");
    const timeout = faults.take("tool", "t");
    const thrown = faults.take("node", "n");

    expect(throttle?.name).toBe("ProvisionedThroughputExceededException");
    expect(classifyError(throttle)).toBe("retryable");
    expect(classifyError(timeout)).toBe("retryable");
    expect(classifyError(thrown)).toBe("fatal");
  });

  it("throttles AWS SDK calls through client middleware, inside the SDK's retry loop", async () => {
    // Prepare: the SDK retries throttles itself (maxAttempts 3); two injected throttles are absorbed.
    // A stand-in HTTP handler answers the one request that gets through (no network in unit tests).
    const sent: string[] = [];
    const client = recorded(sent, 3);
    const faults = new Faults(parseFaults("aws:DynamoDB.PutItem=throttle*2", "dev"));
    withFaults(client, faults);

    // Act
    await client.send(new PutItemCommand({ TableName: "t", Item: { pk: { S: "a" } } }));

    // Assess
    expect(faults.injected.map((f) => `${f.name}:${f.mode}`)).toEqual([
      "PutItem:throttle",
      "PutItem:throttle",
    ]);
    expect(sent).toEqual(["DynamoDB_20120810.PutItem"]);
  });
});

describe("faultCallbacksWhenArmed (the engine Lambda's only way in)", () => {
  it("gives no callbacks when FAULTS is unset or blank", async () => {
    expect(await faultCallbacksWhenArmed({ SWITCHYARD_STAGE: "prod" })).toEqual([]);
    expect(await faultCallbacksWhenArmed({ FAULTS: "  ", SWITCHYARD_STAGE: "dev" })).toEqual([]);
  });

  it("loads the drills and arms them when FAULTS names something", async () => {
    const [callbacks, ...rest] = await faultCallbacksWhenArmed({ FAULTS: "node:classify=throw*2" });
    expect(rest).toEqual([]);
    expect(callbacks).toBeInstanceOf(FaultInjectionCallbacks);
    expect(callbacks?.faults.remaining()).toEqual({ "node:classify=throw": 2 });
  });

  it("still refuses faults in a production stage", async () => {
    await expect(
      faultCallbacksWhenArmed({ FAULTS: "node:classify=throw", SWITCHYARD_STAGE: "prod" }),
    ).rejects.toThrow(InvalidFaultsError);
  });
});

describe("faultWrapperWhenArmed (the queue and alert Lambdas' only way in)", () => {
  const put = new PutItemCommand({ TableName: "t", Item: { pk: { S: "a" } } });

  it("hands every client back untouched when FAULTS is unset or blank", async () => {
    for (const source of [{ SWITCHYARD_STAGE: "prod" }, { FAULTS: " ", SWITCHYARD_STAGE: "dev" }]) {
      const sent: string[] = [];
      const client = recorded(sent, 1);
      expect((await faultWrapperWhenArmed(source))(client)).toBe(client);
      await client.send(put);
      expect(sent).toEqual(["DynamoDB_20120810.PutItem"]);
    }
  });

  it("arms one budget shared by every client it wraps", async () => {
    const drills = await faultWrapperWhenArmed({
      FAULTS: "aws:DynamoDB.PutItem=throw*1",
      SWITCHYARD_STAGE: "dev",
    });
    const sent: string[] = [];
    const [first, second] = [drills(recorded(sent, 1)), drills(recorded(sent, 1))];

    await expect(first.send(put)).rejects.toThrow();
    await second.send(put);

    expect(sent).toEqual(["DynamoDB_20120810.PutItem"]);
  });

  it("still refuses faults in a production stage", async () => {
    await expect(
      faultWrapperWhenArmed({ FAULTS: "aws:DynamoDB.PutItem=throw", SWITCHYARD_STAGE: "prod" }),
    ).rejects.toThrow(InvalidFaultsError);
  });
});

describe("the fault bench's verdict per run (bench/lib/faults-verdict.ts)", () => {
  const start = { status: "SUCCEEDED", input: {} };
  const ok: Observation = {
    runId: "run-ok",
    executions: [start],
    state: { report: "1 break" },
    reference: { report: "1 break" },
    reruns: [0, 0],
    rerunsCaused: 0,
  };

  it("a run started once, succeeded once, with the reference state and nothing redone, is neither lost nor doubled", () => {
    expect(verdictOf(ok)).toMatchObject({ lost: false, doubled: false, starts: 1, succeeded: 1, redone: 0 });
  });

  it("a missing run and a doubled run are one lost and one doubled, never a net zero", () => {
    const verdicts = [
      verdictOf({ ...ok, runId: "missing", executions: [], state: undefined }),
      verdictOf({ ...ok, runId: "twice", executions: [start, start] }),
    ];

    expect(verdicts.filter((v) => v.lost).map((v) => v.runId)).toEqual(["missing"]);
    expect(verdicts.filter((v) => v.doubled).map((v) => v.runId)).toEqual(["twice"]);
  });

  it("judges 'not lost' by the final state, not by the status", () => {
    expect(verdictOf({ ...ok, state: { report: "0 breaks" } })).toMatchObject({ succeeded: 1, lost: true });
  });

  it("a finished task body run again is doubled work, unless the bench caused that re-run itself", () => {
    expect(verdictOf({ ...ok, reruns: [1, 0] })).toMatchObject({ redone: 1, doubled: true });
    expect(verdictOf({ ...ok, reruns: [1, 0], rerunsCaused: 1 })).toMatchObject({
      redone: 0,
      doubled: false,
    });
  });

  it("a recovery after a failure is the same run: one start, one success", () => {
    const failed = { status: "FAILED", input: {} };
    const recovered = { status: "SUCCEEDED", input: { recover: true as const } };

    expect(verdictOf({ ...ok, executions: [failed, recovered] })).toMatchObject({
      starts: 1,
      succeeded: 1,
      lost: false,
      doubled: false,
    });
  });
});
