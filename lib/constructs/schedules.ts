import { Annotations, Stack } from "aws-cdk-lib";
import type { Alarm } from "aws-cdk-lib/aws-cloudwatch";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Resources, ScheduleSpec } from "#config";
import type { WorkflowDefinition } from "#engine";
import { RunRequestSchema } from "#ingress";
import { deadLetterAlarm, deadLetterStore } from "./dead-letter-store.ts";
import { grantSendEncrypted } from "./grants.ts";

export interface SwitchyardSchedulesProps {
  readonly resources: Resources;
  /** The deployed workflows: a schedule must name one, and its input must pass the workflow's schema. */
  readonly workflows: Readonly<Record<string, WorkflowDefinition>>;
  readonly requestsQueue: IQueue;
  readonly messagesKey: IKey;
  /** Where the DLQ-not-empty alarm goes (the alerts topic): a missed scheduled run must page. */
  readonly alertsTopic?: ITopic;
}

/**
 * The run request a schedule sends, as Scheduler's templated target input: Scheduler fills the
 * execution id (a new one per invocation, the same across its retries, so a retried delivery
 * names the same execution and starts nothing twice) and the scheduled time.
 *
 * @example
 * scheduleMessage(spec); // {"runId":"reconciliation_<aws.scheduler.execution-id>", ..., "source":"schedule"}
 */
export function scheduleMessage(spec: ScheduleSpec): string {
  return JSON.stringify({
    runId: `${spec.workflow}_<aws.scheduler.execution-id>`,
    workflow: spec.workflow,
    input: spec.input,
    source: "schedule",
    requestedAt: "<aws.scheduler.scheduled-time>",
    timeZone: spec.timeZone,
  });
}

/**
 * Recurring runs from `resources().schedules`, as EventBridge Scheduler schedules that put a run
 * request on the requests queue — the same message and path as an API start.
 *
 * ```
 * Scheduler (cron, time zone) ─ SendMessage ─▶ requests queue ─▶ dispatcher ─▶ execution
 *    │ retries (max age, attempts), then
 *    └────────────────────────────────────────▶ schedules DLQ (encrypted, 14 days) ─ redrive
 *                                                   └─ not empty ─alarm─▶ alerts topic
 * ```
 * Synth fails on a schedule whose input its workflow's schema refuses; a schedule of a workflow
 * this app does not deploy is left out with a synth warning (test apps deploy a few workflows).
 */
export class SwitchyardSchedules extends Construct {
  readonly deadLetterQueue: Queue;
  readonly role: Role;
  readonly schedules: readonly CfnSchedule[];
  /** DLQ not empty: a scheduled run (e.g. the end of day) was never requested. */
  readonly deadLetterAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: SwitchyardSchedulesProps) {
    super(scope, id);
    const r = props.resources;
    this.deadLetterQueue = deadLetterStore(this, "DeadLetterQueue", {
      queueName: r.schedulesDeadLetterQueue.name,
      retentionDays: r.schedulesDeadLetterQueue.retentionDays,
      key: props.messagesKey,
      whyNoDlq:
        "This queue is itself EventBridge Scheduler's dead-letter queue for undeliverable schedule runs; " +
        "operators redrive it to the requests queue, and nothing consumes it that could fail.",
    });

    if (props.alertsTopic) {
      this.deadLetterAlarm = deadLetterAlarm(this, "DeadLetterQueueNotEmpty", {
        queue: this.deadLetterQueue,
        alarmName: `${r.prefix}-schedules-dlq-not-empty`,
        description:
          "A scheduled run could not be requested (e.g. the end of day did not start): redrive the schedules DLQ.",
        alertsTopic: props.alertsTopic,
      });
    }

    // Scheduler sends to the target and to the DLQ with this role: both queues, their key, nothing else.
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler: ${r.prefix} schedules to the requests queue`,
    });
    grantSendEncrypted(
      this.role,
      [props.requestsQueue.queueArn, this.deadLetterQueue.queueArn],
      props.messagesKey,
    );

    const deployed = r.schedules.filter((spec) => {
      if (Object.hasOwn(props.workflows, spec.workflow)) return true;
      Annotations.of(this).addWarningV2(
        `switchyard:schedule-${spec.name}`,
        `Schedule "${spec.name}" left out: workflow "${spec.workflow}" is not deployed by this app.`,
      );
      return false;
    });
    this.schedules = deployed.map((spec) => {
      checkSchedule(spec, props.workflows);
      return new CfnSchedule(this, `Schedule-${spec.name}`, {
        name: `${r.prefix}-${spec.name}`,
        description: spec.description,
        scheduleExpression: spec.expression,
        scheduleExpressionTimezone: spec.timeZone,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn: props.requestsQueue.queueArn,
          roleArn: this.role.roleArn,
          input: scheduleMessage(spec),
          retryPolicy: {
            maximumEventAgeInSeconds: r.scheduleRetry.maximumEventAgeSeconds,
            maximumRetryAttempts: r.scheduleRetry.maximumRetryAttempts,
          },
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
      });
    });
  }
}

/** A schedule must send a run request the dispatcher accepts, with input its workflow accepts. */
function checkSchedule(spec: ScheduleSpec, workflows: Readonly<Record<string, WorkflowDefinition>>): void {
  const workflow = workflows[spec.workflow] as WorkflowDefinition;
  const sample = scheduleMessage(spec)
    .replace("<aws.scheduler.execution-id>", "0d7c1a6e-59b3-4a47-9d7e-6f1f8d2b3c4a")
    .replace("<aws.scheduler.scheduled-time>", "2026-11-25T23:00:00Z");
  const request = RunRequestSchema.safeParse(JSON.parse(sample));
  const input = workflow.input.safeParse(spec.input);
  if (!request.success || !input.success) {
    const issues = [...(request.error?.issues ?? []), ...(input.error?.issues ?? [])];
    throw new Error(
      `Schedule "${spec.name}": ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
}
