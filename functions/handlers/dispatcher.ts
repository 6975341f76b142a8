import { SFNClient } from "@aws-sdk/client-sfn";
import { ConfigurationError, readEnv, resources, stateMachineName } from "#config";
import { Faults, withFaults } from "#faults";
import { dispatchBatch, dispatcherDeps, type SqsEvent, sfnStartExecution } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";

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

const { telemetry, instrument } = lambdaTelemetry(env);
const deps = dispatcherDeps(r, startExecution, telemetry?.metrics);

export const handler = instrument("dispatcher", (event) => dispatchBatch(event as SqsEvent, deps));
