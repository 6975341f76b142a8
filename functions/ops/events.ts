import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

/**
 * The Lambda event shapes this module consumes, as far as it reads them (the project does not
 * depend on `@types/aws-lambda`). Each matches what AWS delivers.
 */

/** One SQS message as the SQS event source delivers it. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, unknown>>;
  readonly md5OfBody: string;
  readonly eventSource: "aws:sqs";
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

/** What a handler with `reportBatchItemFailures` returns: the messages to deliver again. */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/**
 * EventBridge's "Step Functions Execution Status Change" event: Powertools parser's EventBridge
 * envelope with Step Functions' detail. The failed-run Lambda parses its event with it; the type
 * is what the schema gives.
 */
export const ExecutionStatusChangeEventSchema = EventBridgeSchema.extend({
  source: z.literal("aws.states"),
  "detail-type": z.literal("Step Functions Execution Status Change"),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]),
    startDate: z.number(),
    stopDate: z.number().nullable(),
    /** The execution input, as a JSON string. */
    input: z.string(),
    output: z.string().nullable(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChangeEvent = z.infer<typeof ExecutionStatusChangeEventSchema>;

/** One SNS notification, as SNS hands it to a Lambda or (JSON envelope) to an SQS queue. */
export interface SnsMessage {
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string | null;
  readonly Message: string;
  readonly Timestamp: string;
}

export interface SnsEvent {
  readonly Records: readonly { readonly Sns: SnsMessage }[];
}

/** One Kafka record as the MSK event source delivers it: key and value base64, headers as bytes. */
export const KafkaRecordSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.number().int(),
  timestamp: z.number(),
  timestampType: z.string().optional(),
  key: z.string().nullish(),
  value: z.string().nullable(),
  headers: z.array(z.record(z.string(), z.array(z.number()))).optional(),
});
export type KafkaRecord = z.infer<typeof KafkaRecordSchema>;

/**
 * The MSK event source's batch: records grouped by `<topic>-<partition>`, values still base64
 * (Powertools' Kafka schema would decode them; `decodeTradeEvent` reads each one itself).
 */
export const KafkaEventSchema = z.object({
  eventSource: z.enum(["aws:kafka", "SelfManagedKafka"]),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(KafkaRecordSchema)),
});
export type KafkaEvent = z.infer<typeof KafkaEventSchema>;

/**
 * What a Kafka consumer with `ReportBatchItemFailures` returns: per failed record, its
 * `<topic>-<partition>` and offset; Lambda retries from the lowest failed offset of each partition.
 */
export interface KafkaBatchResponse {
  readonly batchItemFailures: {
    readonly itemIdentifier: { readonly partition: string; readonly offset: number };
  }[];
}
