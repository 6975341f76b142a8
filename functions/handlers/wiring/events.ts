import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { SnsSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { SqsSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import { z } from "zod";
import { KafkaEventSchema } from "#ingress";
import { ExecutionStatusChangeEventSchema } from "#ops";

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

/** EventBridge's "Step Functions Execution Status Change" (a Standard execution ended). */
export const ExecutionStatusChange = ExecutionStatusChangeEventSchema;

/** A CloudWatch Logs subscription delivery (Express executions' logs), still gzipped: the domain reads it. */
export const LogsSubscription = z.object({ awslogs: z.object({ data: z.base64() }) });

/** What the failed-run Lambda is sent: a Standard execution's status change, or Express logs. */
export const FailedRunEvent = z.union([ExecutionStatusChange, LogsSubscription]);

/** The MSK event source's batch, values still base64 (the trade-events consumer decodes each one). */
export const TradeEventsEvent = KafkaEventSchema;
