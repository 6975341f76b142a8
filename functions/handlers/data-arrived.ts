import { SQSClient } from "@aws-sdk/client-sqs";
import { faultWrapperWhenArmed } from "#faults/on-demand";
import { startRunOnArrival } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";
import { buildDataArrivedDeps, DataArrivedEnv } from "./wiring/data-arrived.ts";
import { lambdaHandler } from "./wiring/lambda.ts";

/**
 * Data arrival (EventBridge rule: S3 "Object Created" for `incoming/*manifest.json` in the data
 * bucket): a day's manifest, uploaded last, puts one run request for its folder on the requests
 * queue; any other key is skipped with its reason. A failed send throws, so Lambda's async
 * retries and then the arrivals DLQ keep the event. The event is parsed by the domain
 * (`parseObjectCreatedEvent`: a typed `InvalidObjectCreatedEvent` error). Built once per cold
 * start (docs/architecture.md, "House style" §1).
 */
const env = DataArrivedEnv.read();
// FAULTS drills (refused in production) load only when armed (functions/faults/on-demand.ts).
const drills = await faultWrapperWhenArmed();
const { telemetry, xray } = lambdaTelemetry(env);
const deps = buildDataArrivedDeps(env, { sqs: drills(new SQSClient({})) });

export const handler = lambdaHandler({ role: "data-arrived", telemetry, xray }, async (event) => {
  const outcome = await startRunOnArrival(event, deps);
  if (outcome.outcome === "skipped") telemetry?.logger.info("arrival starts no run", { ...outcome });
  return outcome;
});
