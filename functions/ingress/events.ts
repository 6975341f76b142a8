import { z } from "zod";

/**
 * The Lambda event shapes ingress consumes (the requests queue's SQS batches, the MSK consumer's
 * Kafka batches), as far as it reads them (the project does not depend on `@types/aws-lambda`).
 * Each matches what AWS delivers.
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
