import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createApiHandler } from "#api";
import { auditStoreFromEnv } from "#audit";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import { getWorkflow, workflows } from "#workflows";
import { lambdaTelemetry } from "./instrument.ts";
import { ApiEnv, apiCorrelationId, awsDataChecks, buildApiOptions } from "./wiring/api.ts";
import { lambdaHandler } from "./wiring/lambda.ts";

// Built once per cold start (docs/architecture.md, "House style" §1); a missing variable fails the
// cold start, naming it, not a request.
const env = ApiEnv.read();
const dynamodb = new DynamoDBClient({ region: env.AWS_REGION });
const sqs = new SQSClient({ region: env.AWS_REGION });
const saver = DynamoDBSaver.fromEnv({ client: dynamodb });
// The decision audit the engine writes (GET /runs/{id}/audit): read, and its seals checked with
// the signing key's public half (kms:GetPublicKey).
const audit = auditStoreFromEnv(env, { dynamodb });
const { telemetry, xray } = lambdaTelemetry(env);

const api = createApiHandler(
  buildApiOptions(
    env,
    {
      sqs,
      dynamodb,
      saver,
      workflowNamed: getWorkflow,
      workflows: Object.values(workflows),
      // A failed run's record is one item beside its checkpoints (the lease): one GetItem.
      failedRuns: ThreadLeases.beside(saver),
      data: awsDataChecks(env),
      audit: audit ? { log: audit.log, verifier: audit.signer } : undefined,
    },
    telemetry,
  ),
);

/**
 * The REST API: API Gateway proxy event → route → domain (`#api`) → proxy result, through the
 * same Powertools middlewares as every other handler: an X-Ray subsegment and a span per request,
 * log lines with API Gateway's request id as `correlation_id`, EMF (`Redrives`) flushed before
 * the function returns. The handler validates the event itself (routes, zod per part).
 */
export const handler = lambdaHandler(
  { role: "api", telemetry, xray, correlationId: apiCorrelationId },
  // Outside Lambda (tests calling the handler bare) there is no clock to bound a lock with.
  (event, context) => {
    const left = context.getRemainingTimeInMillis?.bind(context);
    const id = context.awsRequestId;
    return api(
      event,
      left ? { getRemainingTimeInMillis: left, ...(id ? { awsRequestId: id } : {}) } : undefined,
    );
  },
);
