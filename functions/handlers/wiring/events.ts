import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { SnsSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { SqsSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import { z } from "zod";

/**
 * The events the ops Lambdas receive, as schemas: Powertools parser's own for the AWS envelopes
 * (SQS, SNS, EventBridge), ours where Powertools' would transform what the domain reads itself
 * (Kafka's base64 values, the logs subscription's gzip). AWS adds fields over time, so envelopes
 * are not strict; the bodies inside are parsed by the domain (`parseRunRequest`, `decodeTradeEvent`).
 */

/** The requests queue's batch (the dispatcher). */
export const DispatcherEvent = SqsSchema;

/** An alerts-topic delivery, or the schedule's tick that closes quiet windows (the notifier). */
export const NotifierEvent = z.union([SnsSchema, EventBridgeSchema]);

/** EventBridge's "Step Functions Execution Status Change" (functions/ops/events.ts, `ExecutionStatusChangeEvent`). */
export const ExecutionStatusChange = EventBridgeSchema.extend({
  source: z.literal("aws.states"),
  "detail-type": z.literal("Step Functions Execution Status Change"),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]),
    startDate: z.number(),
    stopDate: z.number().nullable(),
    input: z.string(),
    output: z.string().nullable(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

/** A CloudWatch Logs subscription delivery (Express executions' logs), still gzipped: the domain reads it. */
export const LogsSubscription = z.object({ awslogs: z.object({ data: z.base64() }) });

/** What the failed-run Lambda is sent: a Standard execution's status change, or Express logs. */
export const FailedRunEvent = z.union([ExecutionStatusChange, LogsSubscription]);

const KafkaRecord = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.number().int(),
  timestamp: z.number(),
  timestampType: z.string().optional(),
  key: z.string().nullish(),
  value: z.string().nullable(),
  headers: z.array(z.record(z.string(), z.array(z.number()))).optional(),
});

/** The MSK event source's batch, values still base64 (the trade-events consumer decodes each one). */
export const TradeEventsEvent = z.object({
  eventSource: z.enum(["aws:kafka", "SelfManagedKafka"]),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(KafkaRecord)),
});
