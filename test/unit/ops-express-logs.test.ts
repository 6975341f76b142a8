import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { RecordedFailure } from "#engine";
import {
  type ExpressLogEvent,
  type FailedRun,
  InvalidFailedRunError,
  recordExpressFailures,
  statusChangeFromExpressLog,
} from "#ops";

/** Failed Express executions, read from their execution log (functions/ops/express-logs.ts). */
const ARN = "arn:aws:states:eu-west-1:123456789012:express:switchyard-dev-triage:run-0042:6f1c2a9e-1b2c";

const runFailed: ExpressLogEvent = {
  id: "9",
  type: "FailStateEntered",
  details: {
    name: "RunFailed",
    input: JSON.stringify({
      workflow: "triage",
      threadId: "thread-7",
      checkpointId: "cp-3",
      status: "failed",
      error: { code: "Triage.NoDesk", message: "no desk for ISIN", node: "route" },
      cause: JSON.stringify({ code: "Triage.NoDesk", message: "no desk for ISIN", node: "route" }),
    }),
  },
  execution_arn: ARN,
  event_timestamp: "1764930000000",
};

function delivery(events: ExpressLogEvent[]) {
  const batch = {
    messageType: "DATA_MESSAGE",
    logGroup: "/aws/vendedlogs/states/switchyard-dev-triage",
    logEvents: events.map((e, i) => ({ id: String(i), timestamp: 0, message: JSON.stringify(e) })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(batch))).toString("base64") } };
}

function recorder() {
  const sent: FailedRun[] = [];
  const alerted: FailedRun[] = [];
  const released: { threadId: string; holder: string; failure?: RecordedFailure }[] = [];
  return {
    sent,
    alerted,
    released,
    deps: {
      lookupThread: async () => undefined,
      leases: {
        release: async (threadId: string, holder: string, failure?: RecordedFailure) =>
          void released.push({ threadId, holder, ...(failure ? { failure } : {}) }),
      },
      sendFailedRun: async (r: FailedRun) => void sent.push(r),
      alert: async (r: FailedRun) => void alerted.push(r),
    },
  };
}

describe("an Express execution's failures, from its log", () => {
  it("records a RunFailed as a Standard execution's FAILED event would: workflow, thread, node, error", async () => {
    const { sent, alerted, released, deps } = recorder();
    const runs = await recordExpressFailures(delivery([runFailed]), deps);

    expect(runs).toHaveLength(1);
    // The failure beside the checkpoints: the failed execution's own lease, released with why.
    expect(released).toEqual([
      {
        threadId: "thread-7",
        holder: "run-0042",
        failure: { code: "Triage.NoDesk", message: "no desk for ISIN", node: "route", status: "FAILED" },
      },
    ]);
    expect(sent).toEqual(runs);
    expect(alerted).toEqual(runs);
    expect(runs[0]).toMatchObject({
      kind: "switchyard.failed-run",
      runId: "run-0042",
      threadId: "thread-7",
      workflow: "triage",
      status: "FAILED",
      executionArn: ARN,
      error: { code: "Triage.NoDesk", message: "no desk for ISIN" },
      node: "route",
      failedAt: new Date(1764930000000).toISOString(),
    });
  });

  it("takes the caught failure of the catch-all (an engine Lambda failed), not its constant cause", () => {
    const change = statusChangeFromExpressLog({
      type: "FailStateEntered",
      details: {
        name: "ExecutionFailed",
        input: JSON.stringify({
          workflow: "triage",
          threadId: "run-0042",
          runId: "run-0042",
          failure: { Error: "Lambda.ServiceException", Cause: "Rate exceeded" },
        }),
      },
      execution_arn: ARN,
    });
    expect(change?.detail).toMatchObject({
      status: "FAILED",
      error: "Lambda.ServiceException",
      cause: "Rate exceeded",
    });
    expect(change?.detail.stateMachineArn).toBe(
      "arn:aws:states:eu-west-1:123456789012:stateMachine:switchyard-dev-triage",
    );
  });

  it("records a timeout, its thread from the execution name, and ignores every other event", async () => {
    const { sent, deps } = recorder();
    const runs = await recordExpressFailures(
      delivery([
        { type: "TaskStateEntered", details: { name: "Commit" }, execution_arn: ARN },
        { type: "ExecutionTimedOut", details: { error: "States.Timeout" }, execution_arn: ARN },
        { type: "ExecutionSucceeded", execution_arn: ARN },
      ]),
      deps,
    );
    expect(runs.map((r) => [r.status, r.runId, r.threadId, r.workflow, r.error.code])).toEqual([
      ["TIMED_OUT", "run-0042", "run-0042", "triage", "States.Timeout"],
    ]);
    expect(sent).toHaveLength(1);
  });

  it("refuses a delivery that is not base64 gzip, and an ARN that is not an Express execution's", async () => {
    const { deps } = recorder();
    await expect(recordExpressFailures({ awslogs: { data: "bm90IGd6aXA=" } }, deps)).rejects.toThrow(
      InvalidFailedRunError,
    );
    expect(() =>
      statusChangeFromExpressLog({ ...runFailed, execution_arn: "arn:aws:states:eu-west-1:1:execution:m:n" }),
    ).toThrow(/not an Express execution ARN/);
  });
});
