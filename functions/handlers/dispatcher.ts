import { Tracer } from "@aws-lambda-powertools/tracer";
import { SFNClient } from "@aws-sdk/client-sfn";
import { ConfigurationError, readEnv, resources, stateMachineName } from "#config";
import { dispatchBatch, dispatcherDeps, Faults, type SqsEvent, sfnStartExecution, withFaults } from "#ops";
import { instrumentHandler, telemetryFromEnv } from "#telemetry";

/**
 * The requests queue's consumer: starts one execution per run request, named by run id
 * (duplicates are idempotent), reporting failed records for redelivery and, after
 * `maxReceiveCount`, the requests DLQ. Built once per cold start
 * (docs/architecture.md, "House style" §1); EMF and spans are flushed before each invocation
 * returns.
 */
const env = readEnv();
if (!env.STATE_MACHINE_ARN_PREFIX)
  throw new ConfigurationError("The dispatcher needs STATE_MACHINE_ARN_PREFIX.");
const arnPrefix = env.STATE_MACHINE_ARN_PREFIX;
const r = resources(env.SWITCHYARD_STAGE);
const sfn = withFaults(new SFNClient({}), Faults.fromEnv());
const startExecution = sfnStartExecution(sfn, (workflow) => `${arnPrefix}${stateMachineName(r, workflow)}`);

const telemetry = telemetryFromEnv(env);
const xray = telemetry ? new Tracer({ serviceName: env.OTEL_SERVICE_NAME }) : undefined;
const deps = dispatcherDeps(r, startExecution, telemetry?.metrics);

export const handler = instrumentHandler(telemetry, xray, "dispatcher", (event) =>
  dispatchBatch(event as SqsEvent, deps),
);
