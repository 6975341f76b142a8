import { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigurationError, dataBucketName, readEnv, resources } from "#config";
import { Faults, withFaults } from "#faults";
import { startRunOnArrival } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";

/**
 * Data arrival (EventBridge rule: S3 "Object Created" for `incoming/*manifest.json` in the data
 * bucket): a day's manifest, uploaded last, puts one run request for its folder on the requests
 * queue; any other key is skipped with its reason. A failed send throws, so Lambda's async
 * retries and then the arrivals DLQ keep the event. Built once per cold start
 * (docs/architecture.md, "House style" §1).
 */
const env = readEnv();
if (!env.REQUESTS_QUEUE_URL)
  throw new ConfigurationError("The data-arrived handler needs REQUESTS_QUEUE_URL.");
const spec = resources(env.SWITCHYARD_STAGE).dataBucket;
const { telemetry, instrument } = lambdaTelemetry(env);
const deps = {
  sqs: withFaults(new SQSClient({}), Faults.fromEnv()),
  requestsQueueUrl: env.REQUESTS_QUEUE_URL,
  bucket: dataBucketName(env),
  incomingPrefix: spec.incomingPrefix,
  workflow: spec.arrivalWorkflow,
};

export const handler = instrument("data-arrived", async (event) => {
  const outcome = await startRunOnArrival(event, deps);
  if (outcome.outcome === "skipped") telemetry?.logger.info("arrival starts no run", { ...outcome });
  return outcome;
});
