/**
 * The `switchyard/cdk` face: the constructs and stacks a CDK app of your own composes, with their
 * typed props. `bin/app.ts` builds the whole stage with {@link defineSwitchyard}; an app of your
 * own may do the same, or compose the parts — a core stack, a workflows stack of its own graphs
 * (one {@link AgentWorkflow} each, with {@link Observability}), the ops and API stacks — as
 * `test/fixtures/cdk-app/app.ts` does. Infrastructure only: nothing here enters a Lambda bundle.
 *
 * @example
 * import { App } from "aws-cdk-lib";
 * import { SwitchyardCoreStack, SwitchyardWorkflowStack, workflowStackName } from "switchyard/cdk";
 * const app = new App();
 * const core = new SwitchyardCoreStack(app, "desk-dev-core", { stage: "dev" });
 * new SwitchyardWorkflowStack(app, workflowStackName("desk-dev", mine.name), { core, workflow: mine });
 */

export { SwitchyardApiStack, type SwitchyardApiStackProps } from "./api-stack.ts";
// Workflows: one AgentWorkflow per graph (state machine + a Lambda per node) and their observability.
export {
  AgentWorkflow,
  type AgentWorkflowProps,
  DEFAULT_ENTRIES,
  DEFAULT_NODE_MEMORY_MB,
} from "./constructs/agent-workflow.ts";
// Ops: ingress (requests queue → dispatcher), failed runs, alerting and its notifier.
export { Alerting, type AlertingProps } from "./constructs/alerting.ts";
// API: the REST API and the schedules that start runs.
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
// Core: the checkpoint table, queues, alerts topic, KMS key and data bucket of a stage.
export { SwitchyardCoreStack, type SwitchyardCoreStackProps } from "./core-stack.ts";
export { type OpsFunction, SwitchyardOpsStack, type SwitchyardOpsStackProps } from "./ops-stack.ts";
// The whole stage, as `bin/app.ts` builds it.
export { defineSwitchyard, type SwitchyardAppOptions, type SwitchyardStacks } from "./switchyard-app.ts";
export {
  SwitchyardWorkflowStack,
  type SwitchyardWorkflowStackProps,
  workflowStackName,
} from "./workflows-stack.ts";
