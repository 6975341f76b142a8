import type { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { type EnvWith, envSchemaFor } from "#config";
import type { ThreadLeaseStore, WorkflowDefinition } from "#engine";
import { encodeMessageBody } from "#ingress";
import {
  alertForFailedRun,
  checkpointLookup,
  type FailedRun,
  type RecordFailedRunDeps,
  snsAlertPublisher,
} from "#ops";
import type { Telemetry } from "#telemetry";

/** The failed-run Lambda records on the failed-runs queue and alerts on the alerts topic: both required. */
export const FailedRunEnv = envSchemaFor("failed-run", ["FAILED_RUNS_QUEUE_URL", "ALERTS_TOPIC_ARN"]);

export interface FailedRunClients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Where the failing node and last checkpoint are looked up. */
  readonly saver: BaseCheckpointSaver;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  /** Where the failure is recorded beside the checkpoints (the run's lease item, released with why). */
  readonly leases: Pick<ThreadLeaseStore, "release">;
}

/**
 * What recording a failed run needs — the thread lookup, the lease it is recorded on, the
 * failed-runs queue, the alert — for
 * the Lambda (functions/handlers/failed-run.ts) and the local EventBridge target
 * (local/triggers.ts `failedRunTarget`) alike, with `DeadLetters` and `AlertsSent` counted when
 * metrics are given.
 *
 * @example
 * await recordFailedRun(event, buildFailedRunDeps(FailedRunEnv.read(), { sqs, sns, saver, workflowNamed, leases }));
 */
export function buildFailedRunDeps(
  env: EnvWith<"FAILED_RUNS_QUEUE_URL" | "ALERTS_TOPIC_ARN">,
  clients: FailedRunClients,
  telemetry?: Pick<Telemetry, "metrics">,
): RecordFailedRunDeps {
  const queueUrl = env.FAILED_RUNS_QUEUE_URL;
  const publish = snsAlertPublisher(clients.sns, env.ALERTS_TOPIC_ARN, { metrics: telemetry?.metrics });
  return {
    lookupThread: checkpointLookup(clients.saver, clients.workflowNamed),
    leases: clients.leases,
    sendFailedRun: async (run: FailedRun) => {
      await clients.sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeMessageBody(run) }),
      );
    },
    alert: (run: FailedRun) => publish(alertForFailedRun(run)),
    ...(telemetry ? { metrics: telemetry.metrics } : {}),
  };
}
