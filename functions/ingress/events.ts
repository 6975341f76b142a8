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
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType?: string;
  readonly key?: string | null;
  readonly value: string | null;
  readonly headers?: readonly Readonly<Record<string, readonly number[]>>[];
}

/** The MSK event source's batch: records grouped by `<topic>-<partition>`. */
export interface KafkaEvent {
  readonly eventSource: "aws:kafka" | "SelfManagedKafka";
  readonly eventSourceArn?: string;
  readonly bootstrapServers?: string;
  readonly records: Readonly<Record<string, readonly KafkaRecord[]>>;
}

/**
 * What a Kafka consumer with `ReportBatchItemFailures` returns: per failed record, its
 * `<topic>-<partition>` and offset; Lambda retries from the lowest failed offset of each partition.
 */
export interface KafkaBatchResponse {
  readonly batchItemFailures: {
    readonly itemIdentifier: { readonly partition: string; readonly offset: number };
  }[];
}
