import { auditFromEnv } from "#audit/from-env";
import { DynamoDBSaver, ThreadLeases } from "#checkpoint";
import { readEnv, resources } from "#config";
import {
  createEngineSteps,
  type EngineSteps,
  S3TaskLists,
  servingNode,
  type WorkflowDefinition,
} from "#engine";
import { faultCallbacksWhenArmed } from "#faults/on-demand";
import { lambdaTelemetry } from "./instrument.ts";

/**
 * The engine bound to this Lambda's environment (docs/architecture.md, "House style" §1): the
 * DynamoDB saver over `CHECKPOINT_TABLE`, the workflows `getWorkflow` names, and telemetry
 * (callbacks and observer into the engine; X-Ray, span, log correlation and flush around every
 * entry point), and the decision audit (`AUDIT_SIGNING_KEY_ID`: every model and tool call on the
 * run's hash chain, each answer to a waiting run recorded before the run goes on). Call it once per cold start, at module scope. `engine-runtime.ts` binds it to
 * this repository's registry; an app of its own binds it to its own workflows through the
 * `switchyard/lambda` face (`workflowHandlers`).
 */
export function lambdaEngine(getWorkflow: (name: string) => WorkflowDefinition): EngineSteps {
  const env = readEnv();
  const { telemetry, instrument } = lambdaTelemetry(env);

  // FAULTS drills (refused in production stages) fail nodes and tools from inside LangGraph's run.
  const audit = auditFromEnv(env);
  // Telemetry's observer counts; its span handler comes only when spans are exported.
  const hooks = telemetry?.hooks({ rootIsRun: false });
  const callbacks = [...(hooks?.callbacks ?? []), ...(audit ? [audit.recorder] : [])];

  const saver = DynamoDBSaver.fromEnv();
  // Wide supersteps' task lists go to the data bucket the stack names (and grants under engine/);
  // the S3 SDK loads with the first one, so a Lambda whose supersteps fit the payload never reads it.
  const taskLists = env.DATA_BUCKET
    ? new S3TaskLists({
        client: () => import("#trading/s3").then((m) => m.s3ClientFromEnv()),
        bucket: env.DATA_BUCKET,
      })
    : undefined;
  // FAULTS drills load only when the setting names something (functions/faults/on-demand.ts);
  // awaited by the first invocation, not at import, so this module has no top-level await and
  // the `switchyard/lambda` face stays loadable by require().
  const built = faultCallbacksWhenArmed().then((drills) => {
    const all = [...callbacks, ...drills];
    return createEngineSteps(
      {
        saver,
        // One execution per thread, in the checkpoint table the function already reads and writes.
        leases: ThreadLeases.beside(saver, {
          ttlAttribute: resources(env.SWITCHYARD_STAGE).checkpointTable.ttlAttribute,
        }),
        ...(taskLists ? { taskLists } : {}),
        ...(all.length > 0 ? { callbacks: all } : {}),
        ...(hooks ? { observer: hooks.observer } : {}),
        ...(audit ? { onAnswer: audit.recordAnswer } : {}),
      },
      getWorkflow,
    );
  });
  // A refusal (FAULTS in a production stage) fails every invocation with its error, never the process.
  built.catch(() => undefined);
  const step =
    <K extends keyof EngineSteps>(name: K): EngineSteps[K] =>
    async (event: unknown) =>
      (await built)[name](event) as never;

  return {
    start: instrument("start", step("start")),
    runNode: instrument("run-node", servingNode(env.NODE_NAME, step("runNode"))),
    commit: instrument("commit", step("commit")),
    superstep: instrument("superstep", step("superstep")),
    graph: instrument("graph", step("graph")),
  };
}
