import { stampAnswers } from "#agents";
import { newRunId } from "#api";
import { answersFor, NotWaitingError, type WorkflowDefinition, waitingInterrupts } from "#engine";
import { RUN_ID_PATTERN } from "#ingress";
import { localApprover } from "../../local/identity.ts";
import { InvalidRunIdError } from "./errors.ts";
import { sendRunRequest, watchHints } from "./send.ts";
import { checkpointReader, type RunReader, runStatus } from "./status.ts";
import type { AwsTarget } from "./target.ts";

export interface RemoteResumeOptions {
  /** The waiting run (its thread). */
  readonly runId: string;
  readonly workflow: WorkflowDefinition;
  /** The answer to the interrupt, any JSON the node's `interrupt()` accepts. */
  readonly answer: unknown;
  readonly connect: () => Promise<AwsTarget>;
  /** Reads the thread before answering; default the target's checkpoint saver. */
  readonly read?: RunReader;
  readonly json: boolean;
  readonly out: (text: string) => void;
  readonly uuid?: () => string;
  readonly now?: () => Date;
  /** Who answers (stamped on four-eyes answers); the OS user, `local:<name>`, by default. */
  readonly approver?: string;
}

/**
 * `switchyard resume <runId> --target aws --answer json --workflow w`: answers a waiting
 * interrupt on a deployed stage. Checks the run IS waiting (else the engine's `NotWaitingError`,
 * exit 2, nothing sent) — as `POST /runs/{id}/resume` does — then queues a run request with
 * `resume` on the run's thread, under a new execution id. An answer to a four-eyes approval is
 * stamped with the OS user (`local:<name>`) and refused as the API refuses it (docs/controls.md).
 *
 * @example
 * await remoteResumeCommand({ runId, workflow: getWorkflow("triage"), answer: { decision: "approve" }, connect, json: false, out: console.log });
 */
export async function remoteResumeCommand(o: RemoteResumeOptions): Promise<number> {
  if (!RUN_ID_PATTERN.test(o.runId)) throw new InvalidRunIdError(o.runId);
  const target = await o.connect();
  const read = o.read ?? checkpointReader(target.saver, target.failures);
  const reading = await read(o.workflow, o.runId);
  const status = runStatus(o.runId, o.workflow, reading);
  if (status.status !== "waiting") throw new NotWaitingError(o.runId, status.status);
  const waiting = waitingInterrupts(reading.position.tasks);
  const now = o.now?.() ?? new Date();
  const answer = stampAnswers(
    waiting,
    answersFor(o.runId, waiting, o.answer),
    o.approver ?? localApprover(),
    now,
  );
  const request = await sendRunRequest(
    target,
    {
      runId: newRunId(o.workflow.name, o.uuid),
      workflow: o.workflow.name,
      threadId: o.runId,
      resume: answer,
    },
    () => now,
  );
  if (o.json) {
    o.out(JSON.stringify({ runId: o.runId, resumeId: request.runId, stage: target.deployed.stage }));
  } else {
    o.out(
      [
        `Answer for ${o.runId} queued on stage ${target.deployed.stage} (execution ${request.runId}).`,
        "Watch it:",
        ...watchHints(target, o.runId, o.workflow.name),
      ].join("\n"),
    );
  }
  return 0;
}
