import type { SQSClient } from "@aws-sdk/client-sqs";
import { dataBucketName, type Env, type EnvWith, envSchemaFor, resources } from "#config";
import type { StartRunOnArrivalDeps } from "#ingress";

/** The data-arrived Lambda cannot start without the requests queue. */
export const DataArrivedEnv = envSchemaFor("data-arrived", ["REQUESTS_QUEUE_URL"]);

/**
 * Where an arrival's run request goes and which arrivals make one: the stage's data bucket, its
 * incoming prefix and arrival workflow (functions/config/resources.ts).
 *
 * @example
 * await startRunOnArrival(event, buildDataArrivedDeps(DataArrivedEnv.read(), { sqs }));
 */
export function buildDataArrivedDeps(
  env: EnvWith<"REQUESTS_QUEUE_URL"> & Env,
  clients: { readonly sqs: SQSClient },
): StartRunOnArrivalDeps {
  const spec = resources(env.SWITCHYARD_STAGE).dataBucket;
  return {
    sqs: clients.sqs,
    requestsQueueUrl: env.REQUESTS_QUEUE_URL,
    bucket: dataBucketName(env),
    incomingPrefix: spec.incomingPrefix,
    workflow: spec.arrivalWorkflow,
  };
}
