import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { StartExecution } from "./dispatch.ts";

/**
 * The dispatcher's {@link StartExecution} on AWS: `StartExecution` on the workflow's state
 * machine, named by run id. `ExecutionAlreadyExists` propagates with its name, which the
 * dispatcher treats as an idempotent success; every other error propagates for SQS to redeliver.
 *
 * @example
 * const start = sfnStartExecution(new SFNClient({}), (workflow) => `${arnPrefix}${stateMachineName(r, workflow)}`);
 */
export function sfnStartExecution(
  client: SFNClient,
  stateMachineArn: (workflow: string) => string,
): StartExecution {
  return async (request) => {
    const out = await client.send(
      new StartExecutionCommand({
        stateMachineArn: stateMachineArn(request.workflow),
        name: request.name,
        input: JSON.stringify(request.input),
        ...(request.traceparent ? { traceHeader: traceHeaderFrom(request.traceparent) } : {}),
      }),
    );
    return out.executionArn ? { executionArn: out.executionArn } : {};
  };
}

/**
 * X-Ray trace header from a W3C traceparent (`00-<32 hex>-<16 hex>-<flags>`), so the execution's
 * trace links to the request's: Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>.
 */
export function traceHeaderFrom(traceparent: string): string | undefined {
  const m = /^00-([0-9a-f]{8})([0-9a-f]{24})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent);
  if (!m) return undefined;
  const sampled = (Number.parseInt(m[4] as string, 16) & 1) === 1 ? 1 : 0;
  return `Root=1-${m[1]}-${m[2]};Parent=${m[3]};Sampled=${sampled}`;
}
