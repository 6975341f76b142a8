import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "switchyard/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunctionSlot } from "#engine";
import { Faults } from "#faults";
import type { RunRequest } from "#ingress";
import { peekDeadLetters, redriveDeadLetters } from "#ops";
import { CATALOG, createTelemetry } from "#telemetry";
import { DispatcherEvent } from "#wiring";
import { LocalExecutions } from "../../local/executions.ts";
import { dispatchRequests, pollQueue } from "../../local/triggers.ts";
import { fanOutWorkflow } from "../fixtures/graphs.ts";

/**
 * Ingress: run requests on the requests queue become executions named by run id. A duplicate
 * starts nothing; a request that cannot be dispatched reaches the DLQ after maxReceiveCount
 * deliveries and, redriven, runs exactly once.
 */
let aws: LocalAws;
let requestsUrl: string;
let dlqUrl: string;
const workflow = fanOutWorkflow("per-node", 2);

beforeAll(async () => {
  aws = await startLocalAws({ stage: "dispatch" });
  requestsUrl = aws.queueUrls[aws.resources.requestsQueue.name] as string;
  dlqUrl = aws.queueUrls[aws.resources.requestsQueue.deadLetter?.name ?? ""] as string;
});
afterAll(async () => {
  await aws?.stop();
});

function request(runId: string, extra: Partial<RunRequest> = {}): RunRequest {
  return {
    runId,
    workflow: workflow.name,
    input: {},
    source: "api",
    requestedAt: new Date().toISOString(),
    ...extra,
  };
}

async function enqueue(body: unknown): Promise<void> {
  await aws.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: requestsUrl,
      MessageBody: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** Counts Start Lambda invocations per thread: how many times a run really began. */
function countingStarts(into: Map<string, number>) {
  return (slot: FunctionSlot, handler: (e: unknown) => Promise<unknown>) => async (e: unknown) => {
    if (slot.role === "start") {
      const thread = (e as { threadId: string }).threadId;
      into.set(thread, (into.get(thread) ?? 0) + 1);
    }
    return handler(e);
  };
}

describe("dispatcher", () => {
  it("starts one execution for a request delivered twice", async () => {
    // Prepare
    const starts = new Map<string, number>();
    const executions = new LocalExecutions({
      aws,
      workflowNamed: () => workflow,
      wrapHandler: countingStarts(starts),
    });
    await enqueue(request("dup-run-0001"));
    await enqueue(request("dup-run-0001"));

    // Act
    const outcomes = await dispatchRequests(aws, executions);
    const ended = await executions.idle();

    // Assess
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["duplicate", "started"]);
    expect(ended.filter((e) => e.name === "dup-run-0001")).toHaveLength(1);
    expect(ended[0]?.status).toBe("SUCCEEDED");
    expect(starts.get("dup-run-0001")).toBe(1);
    expect(await peekDeadLetters(aws.clients.sqs, dlqUrl)).toEqual([]);
  });

  it("continues the trace context a message carries only as an attribute (a redriven request)", async () => {
    // Prepare: the request's body names no trace; its message attributes do, as a redrive copies them
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const started: { name: string; traceparent?: string }[] = [];
    await aws.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: requestsUrl,
        MessageBody: JSON.stringify(request("traced-run-0001")),
        MessageAttributes: { traceparent: { DataType: "String", StringValue: traceparent } },
      }),
    );
    const executions = {
      startExecution: async (r: { name: string; traceparent?: string }) => {
        started.push({ name: r.name, ...(r.traceparent ? { traceparent: r.traceparent } : {}) });
        return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:x:${r.name}` };
      },
    } as unknown as LocalExecutions;

    // Act
    await dispatchRequests(aws, executions);

    // Assess
    expect(started).toEqual([{ name: "traced-run-0001", traceparent }]);
  });

  it("hands the dispatcher Lambda's schema an event it reads, message attributes (the trace) included", async () => {
    // Prepare
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await aws.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: requestsUrl,
        MessageBody: JSON.stringify(request("schema-run-0001")),
        MessageAttributes: { traceparent: { DataType: "String", StringValue: traceparent } },
      }),
    );
    const parsed: unknown[] = [];

    // Act: the local event source's batch, through the schema the deployed handler parses with
    await pollQueue(aws, requestsUrl, async (event) => {
      parsed.push(DispatcherEvent.parse(event));
      return { batchItemFailures: [] };
    });

    // Assess
    expect(parsed).toHaveLength(1);
    const [record] = (
      parsed[0] as { Records: { messageAttributes: Record<string, { stringValue?: string }> }[] }
    ).Records;
    expect(record?.messageAttributes.traceparent?.stringValue).toBe(traceparent);
  });

  it("poison request → requests DLQ after maxReceiveCount → redrive → processed exactly once", async () => {
    // Prepare: Step Functions refuses every start for longer than SQS keeps redelivering.
    const maxReceiveCount = aws.resources.requestsQueue.deadLetter?.maxReceiveCount ?? 0;
    const faults = new Faults([
      { kind: "aws", name: "StartExecution", mode: "throttle", count: maxReceiveCount },
    ]);
    const starts = new Map<string, number>();
    const executions = new LocalExecutions({
      aws,
      workflowNamed: () => workflow,
      faults,
      wrapHandler: countingStarts(starts),
    });
    await enqueue(request("poison-run-0001"));
    // The local dispatcher is wired as the Lambda is: its metrics see the last delivery fail.
    const telemetry = createTelemetry({ capture: true, logLevel: "SILENT" });

    // Act 1: every delivery fails; the queue gives up and dead-letters it.
    const first = await dispatchRequests(aws, executions, telemetry);
    const dead = await peekDeadLetters(aws.clients.sqs, dlqUrl);

    // Assess 1
    expect(first).toEqual([]);
    expect(faults.injected).toHaveLength(maxReceiveCount);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ kind: "run-request", runId: "poison-run-0001", workflow: "fan-out" });
    expect(dead[0]?.receiveCount).toBeGreaterThanOrEqual(maxReceiveCount);
    const deadLetterPoints = telemetry.capture?.metrics.points.filter(
      (p) => p.metric === CATALOG.deadLetters,
    );
    expect(deadLetterPoints?.map((p) => [p.value, p.dimensions])).toEqual([[1, { Queue: "requests-dlq" }]]);
    expect(executions.list()).toEqual([]);

    // Act 2: a dry run changes nothing; the redrive moves it back; a stray copy redriven later is a duplicate.
    const preview = await redriveDeadLetters(aws.clients.sqs, dlqUrl, {
      targetUrl: requestsUrl,
      dryRun: true,
    });
    const stillDead = await peekDeadLetters(aws.clients.sqs, dlqUrl);
    const redriven = await redriveDeadLetters(aws.clients.sqs, dlqUrl, {
      targetUrl: requestsUrl,
      filter: { ids: ["poison-run-0001"] },
    });
    const second = await dispatchRequests(aws, executions);
    await executions.idle();
    await enqueue(request("poison-run-0001"));
    const third = await dispatchRequests(aws, executions);

    // Assess 2
    expect(preview.map((e) => e.action)).toEqual(["would-redrive"]);
    expect(preview[0]?.reexecutes).toBe("start fan-out run poison-run-0001 on thread poison-run-0001");
    expect(stillDead).toHaveLength(1);
    expect(redriven.map((e) => e.action)).toEqual(["redriven"]);
    expect(await peekDeadLetters(aws.clients.sqs, dlqUrl)).toEqual([]);
    expect(second.map((o) => o.outcome)).toEqual(["started"]);
    expect(third.map((o) => o.outcome)).toEqual(["duplicate"]);
    expect(executions.get("poison-run-0001")?.status).toBe("SUCCEEDED");
    expect(starts.get("poison-run-0001")).toBe(1);
  });

  it("dead-letters a message that is not a run request, and lists it by its error", async () => {
    // Prepare
    const executions = new LocalExecutions({ aws, workflowNamed: () => workflow });
    await enqueue("{not json");
    await enqueue({ runId: "x", workflow: "fan-out" });

    // Act
    await dispatchRequests(aws, executions);
    const all = await peekDeadLetters(aws.clients.sqs, dlqUrl);
    const byError = await peekDeadLetters(aws.clients.sqs, dlqUrl, { filter: { error: "not JSON" } });
    const tooNew = await peekDeadLetters(aws.clients.sqs, dlqUrl, { filter: { minAgeSeconds: 3600 } });

    // Assess
    expect(all.map((l) => l.kind)).toEqual(["unreadable", "unreadable"]);
    expect(byError).toHaveLength(1);
    expect(byError[0]?.body).toBe("{not json");
    expect(tooNew).toEqual([]);
    expect(executions.list()).toEqual([]);
  });
});
