/**
 * The `switchyard/cdk` face: the constructs and stacks a CDK app of your own composes, with their
 * typed props. `bin/app.ts` builds the whole stage with `defineSwitchyard`; an app of your own
 * may do the same, or compose the parts, as `test/fixtures/cdk-app/app.ts` does:
 *
 * - core: `SwitchyardCoreStack` (checkpoint table, queues, alerts topic, KMS key, data bucket);
 * - workflows: `SwitchyardWorkflowStack` per graph (`workflowStackName`), each an `AgentWorkflow`
 *   (state machine, a `SwitchyardFunction` per node) with its `Observability` (dashboard, alarms);
 * - ops: `SwitchyardOpsStack` (`Ingress`, failed runs, `Alerting` and its notifier);
 * - API: `SwitchyardApiStack` (`SwitchyardApi`, `SwitchyardSchedules`).
 *
 * Infrastructure only: nothing here enters a Lambda bundle.
 *
 * @example
 * import { App } from "aws-cdk-lib";
 * import { SwitchyardCoreStack, SwitchyardWorkflowStack, workflowStackName } from "switchyard/cdk";
 * const app = new App();
 * const core = new SwitchyardCoreStack(app, "switchyard-dev-core", { stage: "dev" });
 * new SwitchyardWorkflowStack(app, workflowStackName(core.resources.prefix, mine.name), { core, workflow: mine });
 */

export { SwitchyardApiStack, type SwitchyardApiStackProps } from "./api-stack.ts";
// The Lambda build (CDK synth runs `bundleLambda` from this face in a child process: bundle-sync.ts).
export {
  BUNDLER_MODULE_URL,
  bundleLambda,
  bundleLambdaSync,
  type LambdaBuild,
  type LambdaBundle,
  LambdaBundleError,
  lambdaBuildOptions,
} from "./bundling/index.ts";
export {
  AgentWorkflow,
  type AgentWorkflowProps,
  DEFAULT_ENTRIES,
  DEFAULT_NODE_MEMORY_MB,
} from "./constructs/agent-workflow.ts";
export { Alerting, type AlertingProps } from "./constructs/alerting.ts";
export { SwitchyardApi, type SwitchyardApiProps } from "./constructs/api.ts";
export { Ingress, type IngressProps } from "./constructs/ingress.ts";
export { type ModelProviderConfig, OFFLINE_MODEL } from "./constructs/model-provider.ts";
export { Observability, type ObservabilityProps } from "./constructs/observability.ts";
export { SwitchyardSchedules, type SwitchyardSchedulesProps } from "./constructs/schedules.ts";
export {
  CREATE_REQUIRE_BANNER,
  SwitchyardFunction,
  type SwitchyardFunctionProps,
} from "./constructs/switchyard-function.ts";
export { SwitchyardCoreStack, type SwitchyardCoreStackProps } from "./core-stack.ts";
export { type OpsFunction, SwitchyardOpsStack, type SwitchyardOpsStackProps } from "./ops-stack.ts";
export { defineSwitchyard, type SwitchyardAppOptions, type SwitchyardStacks } from "./switchyard-app.ts";
export {
  SwitchyardWorkflowStack,
  type SwitchyardWorkflowStackProps,
  workflowStackName,
} from "./workflows-stack.ts";
