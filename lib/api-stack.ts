import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import type { Construct } from "constructs";
import type { WorkflowDefinition } from "#engine";
import { SwitchyardApi } from "./constructs/api.ts";
import { SwitchyardSchedules } from "./constructs/schedules.ts";
import type { SwitchyardCoreStack } from "./core-stack.ts";

export interface SwitchyardApiStackProps extends StackProps {
  readonly core: SwitchyardCoreStack;
  /** The deployed workflows (schedules must name one of them). */
  readonly workflows: Readonly<Record<string, WorkflowDefinition>>;
  /** The api Lambda's handler file (default the real one); tests pass a stand-in. */
  readonly apiEntry?: string;
}

/**
 * The entry points that put run requests on the core stack's requests queue: the REST API and
 * the EventBridge Scheduler schedules. Stateless apart from 24 h of Idempotency-Key records.
 * Auth comes from context: `-c apiAuth=cognito -c cognitoUserPoolArn=arn:...` (default IAM);
 * `-c apiGatewayCloudWatchRole=existing` leaves the region's API Gateway logging role as it is.
 *
 * @example
 * new SwitchyardApiStack(app, "switchyard-dev-api", { core, workflows });
 */
export class SwitchyardApiStack extends Stack {
  readonly api: SwitchyardApi;
  readonly schedules: SwitchyardSchedules;

  constructor(scope: Construct, id: string, props: SwitchyardApiStackProps) {
    super(scope, id, props);
    const { core } = props;
    const r = core.resources;
    const auth = this.node.tryGetContext("apiAuth") === "cognito" ? "cognito" : "iam";
    const poolArn = this.node.tryGetContext("cognitoUserPoolArn") as string | undefined;
    if (auth === "cognito" && !poolArn)
      throw new Error("-c apiAuth=cognito needs -c cognitoUserPoolArn=<arn>.");
    const cloudWatchRole = this.node.tryGetContext("apiGatewayCloudWatchRole") ?? "create";
    if (cloudWatchRole !== "create" && cloudWatchRole !== "existing")
      throw new Error(`-c apiGatewayCloudWatchRole=${cloudWatchRole}: create or existing.`);

    // 1. Callers: POST /workflows/{name}/runs and friends → requests queue. Its compensations
    //    sit beside it: dead letters listed and redriven back to it, failed runs reported.
    this.api = new SwitchyardApi(this, "Api", {
      stage: r.stage,
      prefix: r.prefix,
      idempotencyTable: r.idempotencyTable,
      requestsQueue: core.requestsQueue,
      requestsDeadLetterQueue: core.requestsDeadLetterQueue,
      messagesKey: core.messagesKey,
      checkpointTable: core.checkpointTable,
      auditSigningKey: core.auditSigningKey,
      dataBucket: core.dataBucketRef,
      auth,
      accountCloudWatchRole: cloudWatchRole === "create",
      ...(poolArn ? { userPool: UserPool.fromUserPoolArn(this, "UserPool", poolArn) } : {}),
      ...(props.apiEntry ? { entry: props.apiEntry } : {}),
    });
    // 2. The clock: recurring runs → the same queue; undeliverable ones → their own DLQ.
    this.schedules = new SwitchyardSchedules(this, "Schedules", {
      resources: r,
      workflows: props.workflows,
      requestsQueue: core.requestsQueue,
      messagesKey: core.messagesKey,
      alertsTopic: core.alertsTopic,
    });

    new CfnOutput(this, "ApiUrl", { value: this.api.restApi.url, description: "REST API base URL (SigV4)" });
    new CfnOutput(this, "SchedulesDeadLetterQueueUrl", {
      value: this.schedules.deadLetterQueue.queueUrl,
      description: "schedules DLQ, for redrive",
    });
  }
}
