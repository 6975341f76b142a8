/**
 * The Lambda event shapes ops consumes (EventBridge execution status changes, SNS alerts), as far
 * as it reads them (the project does not depend on `@types/aws-lambda`). Each matches what AWS
 * delivers; the queue and Kafka shapes are ingress's (`functions/ingress/events.ts`).
 */

/** EventBridge's "Step Functions Execution Status Change" event. */
export interface ExecutionStatusChangeEvent {
  readonly version?: string;
  readonly id: string;
  readonly "detail-type": "Step Functions Execution Status Change";
  readonly source: "aws.states";
  readonly account?: string;
  readonly time: string;
  readonly region?: string;
  readonly resources?: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";
    readonly startDate: number;
    readonly stopDate: number | null;
    /** The execution input, as a JSON string. */
    readonly input: string;
    readonly output: string | null;
    readonly error?: string | null;
    readonly cause?: string | null;
  };
}

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
