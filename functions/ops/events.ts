import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

/**
 * The Lambda event shapes ops consumes (EventBridge execution status changes, SNS alerts), as far
 * as it reads them (the project does not depend on `@types/aws-lambda`). Each matches what AWS
 * delivers; the queue and Kafka shapes are ingress's (`functions/ingress/events.ts`).
 */

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
