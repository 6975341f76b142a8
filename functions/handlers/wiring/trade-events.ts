import type { SQSClient } from "@aws-sdk/client-sqs";
import { type EnvWith, envSchemaFor } from "#config";
import type { ConsumeTradeEventsDeps, TradeEventOutcome } from "#ingress";
import type { Telemetry } from "#telemetry";

/** The trade-events consumer cannot start without the requests queue. */
export const TradeEventsEnv = envSchemaFor("trade-events", ["REQUESTS_QUEUE_URL"]);

/**
 * The MSK consumer's dependencies: the requests queue it sends run requests to, and a warning
 * per record it could not send (the event source retries it, then its on-failure DLQ keeps it).
 *
 * @example
 * await consumeTradeEvents(event, buildTradeEventsDeps(TradeEventsEnv.read(), { sqs }, telemetry));
 */
export function buildTradeEventsDeps(
  env: EnvWith<"REQUESTS_QUEUE_URL">,
  clients: { readonly sqs: SQSClient },
  telemetry?: Pick<Telemetry, "logger">,
): ConsumeTradeEventsDeps {
  return {
    sqs: clients.sqs,
    requestsQueueUrl: env.REQUESTS_QUEUE_URL,
    ...(telemetry
      ? {
          onRecord: (o: TradeEventOutcome) => {
            if (o.outcome === "failed") telemetry.logger.warn("trade event not sent", { ...o });
          },
        }
      : {}),
  };
}
