import { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBSaver } from "#checkpoint";
import { ConfigurationError, readEnv } from "#config";
import {
  alertForFailedRun,
  checkpointLookup,
  type ExecutionStatusChangeEvent,
  Faults,
  recordFailedRun,
  snsAlertPublisher,
  withFaults,
} from "#ops";
import { getWorkflow } from "#workflows";

/**
 * Target of the EventBridge rule on executions that end FAILED, TIMED_OUT or ABORTED: records
 * the run (failing node, error, last checkpoint) on the failed-runs queue, then alerts.
 */
const env = readEnv();
if (!env.FAILED_RUNS_QUEUE_URL || !env.ALERTS_TOPIC_ARN) {
  throw new ConfigurationError("The failed-run handler needs FAILED_RUNS_QUEUE_URL and ALERTS_TOPIC_ARN.");
}
const queueUrl = env.FAILED_RUNS_QUEUE_URL;
const faults = Faults.fromEnv();
const sqs = withFaults(new SQSClient({}), faults);
const publish = snsAlertPublisher(withFaults(new SNSClient({}), faults), env.ALERTS_TOPIC_ARN);
const lookupThread = checkpointLookup(DynamoDBSaver.fromEnv(), getWorkflow);

export const handler = (event: ExecutionStatusChangeEvent) =>
  recordFailedRun(event, {
    lookupThread,
    sendFailedRun: async (run) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(run) }));
    },
    alert: (run) => publish(alertForFailedRun(run)),
  });
