import { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigurationError, readEnv } from "#config";
import { Faults, withFaults } from "#faults";
import { consumeTradeEvents, type KafkaEvent, type TradeEventOutcome } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";

/**
 * The MSK consumer (optional, `-c msk=true`): trade events from the trade-events topic become
 * run requests on the requests queue; unreadable or unsent records are reported as batch item
 * failures, retried, then sent to the on-failure SQS DLQ by the event source. Built once per
 * cold start (docs/architecture.md, "House style" §1); EMF and spans are flushed before each invocation
 * returns.
 */
const env = readEnv();
if (!env.REQUESTS_QUEUE_URL)
  throw new ConfigurationError("The trade-events consumer needs REQUESTS_QUEUE_URL.");
const { telemetry, instrument } = lambdaTelemetry(env);
const deps = {
  sqs: withFaults(new SQSClient({}), Faults.fromEnv()),
  requestsQueueUrl: env.REQUESTS_QUEUE_URL,
  ...(telemetry
    ? {
        onRecord: (o: TradeEventOutcome) => {
          if (o.outcome === "failed") telemetry.logger.warn("trade event not sent", { ...o });
        },
      }
    : {}),
};

export const handler = instrument("trade-events", (event) => consumeTradeEvents(event as KafkaEvent, deps));
