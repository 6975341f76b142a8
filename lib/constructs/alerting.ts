import { Aws, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITable, Table } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { CfnEventInvokeConfig } from "aws-cdk-lib/aws-lambda";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type Resources, stateMachineName } from "#config";
import { executionLogGroupName } from "./agent-workflow.ts";
import { deadLetterAlarm, deadLetterStore } from "./dead-letter-store.ts";
import { grantKeyUse } from "./grants.ts";
import { SwitchyardFunction } from "./switchyard-function.ts";
import { tableFromSpec } from "./table-from-spec.ts";

export interface AlertingProps {
  readonly resources: Resources;
  readonly alertsTopic: ITopic;
  readonly failedRunsQueue: IQueue;
  readonly requestsDeadLetterQueue: IQueue;
  readonly checkpointTable: ITable;
  /** Encrypts the notifications topic (the core stack's messages key). */
  readonly messagesKey: IKey;
  /** People who get alert emails (SNS email subscriptions of the notifications topic). */
  readonly alertEmails?: readonly string[];
  /** Handler files; tests stand them in. */
  readonly entries?: { readonly failedRun?: string; readonly notifier?: string };
  /** Same alert key within this window → one notification with a count. Default 60 s. */
  readonly alertWindowSeconds?: number;
  /** The stage's workflows: the failed-executions rules match exactly their state machines. */
  readonly workflows: readonly string[];
  /**
   * Those of `workflows` that run as Express. Express executions send no status change events:
   * each workflow stack subscribes the failed-run Lambda to its execution log, which this allows.
   */
  readonly expressWorkflows?: readonly string[];
  /**
   * Reserved concurrency of the notifier (default none). Opt-in: an account whose concurrency
   * quota is still the new-account 10 refuses any reservation (`-c notifierReservedConcurrency=2`).
   */
  readonly notifierReservedConcurrency?: number;
}

/**
 * PutRule's limit on an event pattern is 4,096 characters; the failed-executions rules list
 * state machine ARNs, so they are split to stay under it with room for the partition, region
 * and account CloudFormation fills in (each counted at its longest).
 */
const EVENT_PATTERN_BUDGET = 3_500;
const LONGEST_ARN_PREFIX = "arn:aws-iso-b:states:ap-southeast-5:123456789012:stateMachine:".length;

/**
 * State machine names grouped so each group's ARNs, quoted and comma-separated, fit the budget.
 *
 * @example
 * chunkForPattern(["switchyard-dev-triage", "switchyard-dev-reconciliation"]); // [[both]]
 */
export function chunkForPattern(names: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let size = 0;
  for (const name of names) {
    const cost = LONGEST_ARN_PREFIX + name.length + 3;
    const last = chunks.at(-1);
    if (!last || size + cost > EVENT_PATTERN_BUDGET) {
      chunks.push([name]);
      size = cost;
    } else {
      last.push(name);
      size += cost;
    }
  }
  return chunks;
}

/**
 * Failed runs and alerts, read as the path a failure takes:
 *
 * ```
 * execution FAILED / TIMED_OUT / ABORTED ──EventBridge rule──▶ failed-run Lambda
 *      ├─▶ the thread's lease item in the checkpoint table (why it failed: what GET /runs/{id} reads)
 *      ├─▶ failed-runs queue (run, thread, node, error, last checkpoint)    async failure ─▶ same queue (raw event)
 *      └─▶ alerts topic ◀── CloudWatch alarms (requests DLQ not empty, failed runs waiting, Lambda errors)
 *                │ SNS subscription (and a schedule every minute, to close windows)
 *                ▼
 *           notifier Lambda ──(alerts table: one item per key and window, conditional updates)──▶
 *                ├─▶ notifications topic ─▶ email subscriptions
 *                ├─▶ Slack incoming webhook (URL in Secrets Manager)
 *                └─ async failure (2 retries) ─▶ notifier DLQ ─alarm─▶ alerts topic
 * ```
 *
 * @example
 * new Alerting(this, "Alerting", { resources: r, alertsTopic, failedRunsQueue, ... });
 */
export class Alerting extends Construct {
  readonly failedRun: SwitchyardFunction;
  readonly notifier: SwitchyardFunction;
  readonly alertsTable: Table;
  readonly notificationsTopic: Topic;
  readonly slackWebhook: Secret;
  /** One rule per group of state machines (see {@link chunkForPattern}); none without workflows. */
  readonly failedExecutionsRules: Rule[] = [];
  /** Where the notifier's failed async invocations land, never dropped. */
  readonly notifierDeadLetterQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const r = props.resources;

    // 1. A failed execution is recorded, with what resuming needs, then announced.
    this.failedRun = new SwitchyardFunction(this, "FailedRun", {
      entry: props.entries?.failedRun ?? "functions/handlers/failed-run.ts",
      description: `Switchyard ${r.stage}: failed executions → lease item, failed-runs queue + alert`,
      timeout: Duration.seconds(30),
      environment: {
        SWITCHYARD_STAGE: r.stage,
        CHECKPOINT_TABLE: props.checkpointTable.tableName,
        FAILED_RUNS_QUEUE_URL: props.failedRunsQueue.queueUrl,
        ALERTS_TOPIC_ARN: props.alertsTopic.topicArn,
        OTEL_SERVICE_NAME: "switchyard-failed-run",
      },
    });
    props.checkpointTable.grantReadData(this.failedRun.function);
    // Exact actions instead of grantSendMessages/grantPublish: those add kms:GenerateDataKey* and
    // kms:ReEncrypt*, wildcards a sender never uses.
    const fr = this.failedRun.function;
    // The failure beside the run's checkpoints: one conditional update of the thread's lease item
    // (`GET /runs/{id}` reads it), never a put or a delete.
    fr.addToRolePolicy(
      new PolicyStatement({ actions: ["dynamodb:UpdateItem"], resources: [props.checkpointTable.tableArn] }),
    );
    fr.addToRolePolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.failedRunsQueue.queueArn] }),
    );
    fr.addToRolePolicy(
      new PolicyStatement({ actions: ["sns:Publish"], resources: [props.alertsTopic.topicArn] }),
    );
    grantKeyUse(fr, props.messagesKey);
    // Compensation: if the handler keeps failing, the raw event still lands on the failed-runs queue.
    new CfnEventInvokeConfig(this, "FailedRunAsyncInvoke", {
      functionName: fr.functionName,
      qualifier: "$LATEST",
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: props.failedRunsQueue.queueArn } },
    });
    // Express workflows: CloudWatch Logs may invoke the handler for exactly their execution log
    // groups (named here, not referenced, so this stack needs nothing from the workflow stacks).
    for (const w of props.expressWorkflows ?? []) {
      fr.addPermission(`ExpressLogs-${w}`, {
        principal: new ServicePrincipal("logs.amazonaws.com"),
        sourceAccount: Aws.ACCOUNT_ID,
        sourceArn: `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${executionLogGroupName(stateMachineName(r, w))}:*`,
      });
    }
    // Exactly the stage's state machines: a prefix would also match another stage whose name
    // starts with this one (`dev` and `dev-2`).
    const arnPrefix = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:`;
    const byMachine = new Map(props.workflows.map((w) => [stateMachineName(r, w), w]));
    chunkForPattern([...byMachine.keys()]).forEach((machines, i) => {
      const names = machines.map((m) => byMachine.get(m));
      this.failedExecutionsRules.push(
        new Rule(this, i === 0 ? "FailedExecutions" : `FailedExecutions${i + 1}`, {
          // A rule's description holds at most 512 characters: the names while they fit.
          description: `Switchyard ${r.stage}: executions of ${names.join(", ").length <= 400 ? names.join(", ") : `${names.length} workflows`} that ended FAILED, TIMED_OUT or ABORTED`,
          eventPattern: {
            source: ["aws.states"],
            detailType: ["Step Functions Execution Status Change"],
            detail: {
              status: ["FAILED", "TIMED_OUT", "ABORTED"],
              stateMachineArn: machines.map((m) => `${arnPrefix}${m}`),
            },
          },
          targets: [
            new LambdaFunction(this.failedRun.function, { retryAttempts: 8, maxEventAge: Duration.hours(2) }),
          ],
        }),
      );
    });

    // 2. Alerts are grouped per key and window, in a small table of their own.
    // A day of alert counts: nothing to keep when the stack goes.
    this.alertsTable = tableFromSpec(this, "AlertsTable", r.alertsTable, RemovalPolicy.DESTROY);
    this.notificationsTopic = new Topic(this, "NotificationsTopic", {
      topicName: r.notificationsTopic.name,
      displayName: `Switchyard ${r.stage} notifications`,
      masterKey: props.messagesKey,
      enforceSSL: true,
    });
    for (const email of props.alertEmails ?? [])
      this.notificationsTopic.addSubscription(new EmailSubscription(email));
    this.slackWebhook = new Secret(this, "SlackWebhook", {
      secretName: r.slackWebhookSecret.name,
      description: `Switchyard ${r.stage}: Slack incoming-webhook URL for alerts (set it; "unset" sends email only)`,
      // A random placeholder until an operator puts the webhook URL here: email alone meanwhile.
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    Validations.of(this.slackWebhook).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "A Slack incoming-webhook URL is issued by Slack and cannot be rotated by a Lambda rotation function; " +
        "operators replace it in Slack and here together.",
    });

    this.notifier = new SwitchyardFunction(this, "Notifier", {
      entry: props.entries?.notifier ?? "functions/handlers/notifier.ts",
      description: `Switchyard ${r.stage}: alerts → one grouped notification per key and window (email, Slack)`,
      timeout: Duration.seconds(30),
      // A cap keeps Slack's rate limit far away, but a new account's quota refuses any
      // reservation: opt-in (switchyard doctor compares it with the account's quota).
      ...(props.notifierReservedConcurrency
        ? { reservedConcurrentExecutions: props.notifierReservedConcurrency }
        : {}),
      environment: {
        SWITCHYARD_STAGE: r.stage,
        ALERTS_TABLE: this.alertsTable.tableName,
        NOTIFICATIONS_TOPIC_ARN: this.notificationsTopic.topicArn,
        ALERT_WINDOW_SECONDS: String(props.alertWindowSeconds ?? 60),
        OTEL_SERVICE_NAME: "switchyard-notifier",
      },
    });
    this.alertsTable.grantReadWriteData(this.notifier.function);
    this.notifier.function.addToRolePolicy(
      new PolicyStatement({ actions: ["sns:Publish"], resources: [this.notificationsTopic.topicArn] }),
    );
    grantKeyUse(this.notifier.function, props.messagesKey);
    this.slackWebhook.grantRead(this.notifier.function);
    props.alertsTopic.addSubscription(new LambdaSubscription(this.notifier.function));
    // SNS and the schedule invoke the notifier asynchronously: an alert it keeps failing on is
    // kept here (and alarmed below), not dropped after Lambda's retries.
    this.notifierDeadLetterQueue = deadLetterStore(this, "NotifierDeadLetterQueue", {
      queueName: `${r.prefix}-notifier-dlq`,
      retentionDays: 14,
      key: props.messagesKey,
      whyNoDlq:
        "This queue is itself the notifier's on-failure destination (alerts it could not send); operators " +
        "read it, and nothing consumes it that could fail.",
    });
    this.notifier.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["sqs:SendMessage"],
        resources: [this.notifierDeadLetterQueue.queueArn],
      }),
    );
    const notifierAsync = new CfnEventInvokeConfig(this, "NotifierAsyncInvoke", {
      functionName: this.notifier.function.functionName,
      qualifier: "$LATEST",
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.notifierDeadLetterQueue.queueArn } },
    });
    // Lambda checks the destination permission when the config is created.
    notifierAsync.node.addDependency(this.notifier.role);
    new Rule(this, "CloseAlertWindows", {
      description: `Switchyard ${r.stage}: send alert windows that ended with no new alert`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.notifier.function, { retryAttempts: 2 })],
    });

    // 3. CloudWatch alarms publish to the same topic, so they are grouped the same way.
    const action = new SnsAction(props.alertsTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `${r.prefix}-${kebab(alarmId)}`,
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
    };
    // One depth alarm per dead-letter store (the failed-runs queue is the store of failed runs).
    const stores: [string, IQueue, string, Duration][] = [
      [
        "RequestsDlqNotEmpty",
        props.requestsDeadLetterQueue,
        "Run requests could not be dispatched: `switchyard redrive --list` shows them.",
        Duration.minutes(1),
      ],
      [
        "FailedRunsWaiting",
        props.failedRunsQueue,
        "Failed runs wait to be resumed: `switchyard resume --list` shows them.",
        Duration.minutes(5),
      ],
      [
        "NotifierDlqNotEmpty",
        this.notifierDeadLetterQueue,
        "The notifier failed on alerts after its retries: they wait in the notifier DLQ (email and Slack may have missed them).",
        Duration.minutes(1),
      ],
    ];
    for (const [alarmId, queue, description, period] of stores) {
      this.alarms.push(
        deadLetterAlarm(this, alarmId, {
          queue,
          alarmName: `${r.prefix}-${kebab(alarmId)}`,
          description,
          alertsTopic: props.alertsTopic,
          period,
        }),
      );
    }
    alarm(
      "FailedRunHandlerErrors",
      "The failed-run handler fails: failed executions may reach the queue as raw events.",
      this.failedRun.function.metricErrors({ period: Duration.minutes(5) }),
    );
  }
}

function kebab(id: string): string {
  return id.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
}
