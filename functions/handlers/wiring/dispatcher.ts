import { DEFAULT_STAGE, type EnvWith, envSchemaFor, resources } from "#config";
import type { DispatchDeps, StartExecution } from "#ingress";
import type { Telemetry } from "#telemetry";

/** The dispatcher cannot start without the state machines' ARN prefix. */
export const DispatcherEnv = envSchemaFor("dispatcher", ["STATE_MACHINE_ARN_PREFIX"]);
export type DispatcherEnv = EnvWith<"STATE_MACHINE_ARN_PREFIX">;

/** What the dispatcher starts executions with: Step Functions on AWS, the local registry locally. */
export interface DispatcherClients {
  readonly startExecution: StartExecution;
}

/**
 * The dispatcher's dependencies from its environment and clients, for the Lambda
 * (functions/handlers/dispatcher.ts) and the local dispatchers (local/api-server.ts,
 * local/triggers.ts) alike: the stage's `maxReceiveCount`, so the last failed delivery counts as
 * a `DeadLetters` point, and the metrics it counts with.
 *
 * @example
 * dispatchBatch(event, buildDispatcherDeps(readEnv(), { startExecution: executions.startExecution }, telemetry));
 */
export function buildDispatcherDeps(
  env: { readonly SWITCHYARD_STAGE?: string | undefined },
  clients: DispatcherClients,
  telemetry?: Pick<Telemetry, "metrics">,
): DispatchDeps {
  const deadLetter = resources(env.SWITCHYARD_STAGE ?? DEFAULT_STAGE).requestsQueue.deadLetter;
  return {
    startExecution: clients.startExecution,
    ...(telemetry ? { metrics: telemetry.metrics } : {}),
    ...(deadLetter ? { maxReceiveCount: deadLetter.maxReceiveCount } : {}),
  };
}
