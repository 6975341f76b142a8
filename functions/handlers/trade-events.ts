import { SQSClient } from "@aws-sdk/client-sqs";
import { faultWrapperWhenArmed } from "#faults/on-demand";
import { consumeTradeEvents } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";
import { TradeEventsEvent } from "./wiring/events.ts";
import { lambdaHandler } from "./wiring/lambda.ts";
import { buildTradeEventsDeps, TradeEventsEnv } from "./wiring/trade-events.ts";

/**
 * The MSK consumer (optional, `-c msk=true`): trade events from the trade-events topic become
 * run requests on the requests queue; unreadable or unsent records are reported as batch item
 * failures, retried, then sent to the on-failure SQS DLQ by the event source. Built once per
 * cold start (docs/architecture.md, "House style" §1).
 */
const env = TradeEventsEnv.read();
// FAULTS drills (refused in production) load only when armed (functions/faults/on-demand.ts).
const drills = await faultWrapperWhenArmed();
const { telemetry, xray } = lambdaTelemetry(env);
const deps = buildTradeEventsDeps(env, { sqs: drills(new SQSClient({})) }, telemetry);

export const handler = lambdaHandler(
  { role: "trade-events", telemetry, xray, event: TradeEventsEvent },
  (event) => consumeTradeEvents(event, deps),
);
