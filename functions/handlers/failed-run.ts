import { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import { ConfigurationError, readEnv, resources } from "#config";
import { Faults, withFaults } from "#faults";
import { encodeMessageBody } from "#ingress";
import {
  alertForFailedRun,
  checkpointLookup,
  type ExecutionStatusChangeEvent,
  type FailedRun,
  isCloudWatchLogsEvent,
  recordExpressFailures,
  recordFailedRun,
  snsAlertPublisher,
} from "#ops";
import { getWorkflow } from "#workflows";
import { lambdaTelemetry } from "./instrument.ts";

/**
 * Target of the EventBridge rule on Standard executions that end FAILED, TIMED_OUT or ABORTED,
 * and of the subscription filter on Express workflows' execution logs (which have no such
 * events): records the failure beside the run's checkpoints (its lease item, what
 * `GET /runs/{id}` reads) and the run (failing node, error, last checkpoint) on the failed-runs
 * queue, then alerts.
 */
const env = readEnv();
if (!env.FAILED_RUNS_QUEUE_URL || !env.ALERTS_TOPIC_ARN) {
  throw new ConfigurationError("The failed-run handler needs FAILED_RUNS_QUEUE_URL and ALERTS_TOPIC_ARN.");
}
const queueUrl = env.FAILED_RUNS_QUEUE_URL;
const { telemetry, instrument } = lambdaTelemetry(env);
const faults = Faults.fromEnv();
const sqs = withFaults(new SQSClient({}), faults);
const publish = snsAlertPublisher(withFaults(new SNSClient({}), faults), env.ALERTS_TOPIC_ARN, {
  metrics: telemetry?.metrics,
});
const saver = DynamoDBSaver.fromEnv();
const deps = {
  lookupThread: checkpointLookup(saver, getWorkflow),
  // The table's own TTL attribute: the recorded failure is kept as long as the failed-runs record.
  leases: ThreadLeases.beside(saver, {
    ttlAttribute: resources(env.SWITCHYARD_STAGE).checkpointTable.ttlAttribute,
  }),
  sendFailedRun: async (run: FailedRun) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeMessageBody(run) }));
  },
  alert: (run: FailedRun) => publish(alertForFailedRun(run)),
  ...(telemetry ? { metrics: telemetry.metrics } : {}),
};

export const handler = instrument(
  "failed-run",
  (event): Promise<FailedRun | FailedRun[]> =>
    isCloudWatchLogsEvent(event)
      ? recordExpressFailures(event, deps)
      : recordFailedRun(event as ExecutionStatusChangeEvent, deps),
);
