import { SFNClient } from "@aws-sdk/client-sfn";
import { resources, stateMachineName } from "#config";
import { faultWrapperWhenArmed } from "#faults/on-demand";
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
// FAULTS drills (refused in production) load only when armed (functions/faults/on-demand.ts).
const drills = await faultWrapperWhenArmed();
const r = resources(env.SWITCHYARD_STAGE);
const sfn = drills(new SFNClient({}));
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
