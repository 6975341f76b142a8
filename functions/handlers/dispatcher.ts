import { SFNClient } from "@aws-sdk/client-sfn";
import { resources, stateMachineName } from "#config";
import { Faults, withFaults } from "#faults";
import { dispatchBatch, sfnStartExecution } from "#ingress";
import { lambdaTelemetry } from "./instrument.ts";
import { buildDispatcherDeps, DispatcherEnv } from "./wiring/dispatcher.ts";
import { DispatcherEvent } from "./wiring/events.ts";
import { lambdaHandler } from "./wiring/lambda.ts";

/**
 * The requests queue's consumer: starts one execution per run request, named by run id
 * (duplicates are idempotent), reporting failed records for redelivery and, after
 * `maxReceiveCount`, the requests DLQ. Built once per cold start
 * (docs/architecture.md, "House style" §1).
 */
const env = DispatcherEnv.read();
const r = resources(env.SWITCHYARD_STAGE);
const sfn = withFaults(new SFNClient({}), Faults.fromEnv());
const startExecution = sfnStartExecution(
  sfn,
  (workflow) => `${env.STATE_MACHINE_ARN_PREFIX}${stateMachineName(r, workflow)}`,
);
const { telemetry, xray } = lambdaTelemetry(env);
const deps = buildDispatcherDeps(env, { startExecution }, telemetry);

export const handler = lambdaHandler(
  { role: "dispatcher", telemetry, xray, event: DispatcherEvent },
  (event) => dispatchBatch(event, deps),
);
