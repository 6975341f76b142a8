import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import { resources } from "#config";
import { faultWrapperWhenArmed } from "#faults/on-demand";
import { type FailedRun, recordExpressFailures, recordFailedRun } from "#ops";
import { getWorkflow } from "#workflows";
import { lambdaTelemetry } from "./instrument.ts";
import { FailedRunEvent } from "./wiring/events.ts";
import { buildFailedRunDeps, FailedRunEnv } from "./wiring/failed-run.ts";
import { lambdaHandler } from "./wiring/lambda.ts";

/**
 * Target of the EventBridge rule on Standard executions that end FAILED, TIMED_OUT or ABORTED,
 * and of the subscription filter on Express workflows' execution logs (which have no such
 * events): records the failure beside the run's checkpoints (its lease item, what
 * `GET /runs/{id}` reads) and the run (failing node, error, last checkpoint) on the failed-runs
 * queue, then alerts.
 */
const env = FailedRunEnv.read();
// FAULTS drills (refused in production) load only when armed (functions/faults/on-demand.ts).
const drills = await faultWrapperWhenArmed();
const { telemetry, xray } = lambdaTelemetry(env);
const saver = DynamoDBSaver.fromEnv();
const deps = buildFailedRunDeps(
  env,
  {
    sqs: drills(new SQSClient({})),
    sns: drills(new SNSClient({})),
    saver,
    workflowNamed: getWorkflow,
    // The table's own TTL attribute: the recorded failure is kept as long as the failed-runs record.
    leases: ThreadLeases.beside(saver, {
      ttlAttribute: resources(env.SWITCHYARD_STAGE).checkpointTable.ttlAttribute,
    }),
  },
  telemetry,
);

export const handler = lambdaHandler(
  { role: "failed-run", telemetry, xray, event: FailedRunEvent },
  (event): Promise<FailedRun | FailedRun[]> =>
    "awslogs" in event ? recordExpressFailures(event, deps) : recordFailedRun(event, deps),
);
