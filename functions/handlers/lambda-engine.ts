import { auditFromEnv } from "#audit";
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
import { s3ClientFromEnv } from "#trading";
import { lambdaTelemetry } from "./instrument.ts";

// FAULTS drills load only when the setting names something (functions/faults/on-demand.ts).
const faultCallbacks = await faultCallbacksWhenArmed();

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
  const callbacks = [...(hooks?.callbacks ?? []), ...(audit ? [audit.recorder] : []), ...faultCallbacks];

  const saver = DynamoDBSaver.fromEnv();
  // Wide supersteps' task lists go to the data bucket the stack names (and grants under engine/).
  const taskLists = env.DATA_BUCKET
    ? new S3TaskLists({ client: s3ClientFromEnv(), bucket: env.DATA_BUCKET })
    : undefined;
  const core = createEngineSteps(
    {
      saver,
      // One execution per thread, in the checkpoint table the function already reads and writes.
      leases: ThreadLeases.beside(saver, {
        ttlAttribute: resources(env.SWITCHYARD_STAGE).checkpointTable.ttlAttribute,
      }),
      ...(taskLists ? { taskLists } : {}),
      ...(callbacks.length > 0 ? { callbacks } : {}),
      ...(hooks ? { observer: hooks.observer } : {}),
      ...(audit ? { onAnswer: audit.recordAnswer } : {}),
    },
    getWorkflow,
  );

  return {
    start: instrument("start", core.start),
    runNode: instrument("run-node", servingNode(env.NODE_NAME, core.runNode)),
    commit: instrument("commit", core.commit),
    superstep: instrument("superstep", core.superstep),
    graph: instrument("graph", core.graph),
  };
}
