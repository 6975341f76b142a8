import { Stack, type StackProps } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { FunctionRole, WorkflowDefinition } from "#engine";
import { AgentWorkflow } from "./constructs/agent-workflow.ts";
import { modelProviderFromContext } from "./constructs/model-provider.ts";
import { Observability } from "./constructs/observability.ts";
import type { SwitchyardCoreStack } from "./core-stack.ts";

export interface SwitchyardWorkflowsStackProps extends StackProps {
  /** The stage's shared resources: checkpoint table, alerts topic and data bucket. */
  readonly core: SwitchyardCoreStack;
  /** The workflows to deploy, by name (`#workflows`); one {@link AgentWorkflow} each. */
  readonly workflows: Readonly<Record<string, WorkflowDefinition>>;
  /** Handler file per role (default: `functions/handlers/*`); tests bundle a stand-in. */
  readonly entryFor?: (role: FunctionRole) => string;
  /** Retention of execution and function log groups (default one month). */
  readonly logRetention?: RetentionDays;
}

/**
 * Every workflow of a stage: for each, a Standard state machine driving the LangGraph graph
 * superstep by superstep and the Lambdas it invokes, all on the core stack's checkpoint table
 * and alerts topic. Stateless: destroying it loses no run (checkpoints live in the core stack).
 *
 * @example
 * new SwitchyardWorkflowsStack(app, "switchyard-dev-workflows", { core, workflows });
 */
export class SwitchyardWorkflowsStack extends Stack {
  /** The deployed workflows, by workflow name. */
  readonly workflows: Readonly<Record<string, AgentWorkflow>>;

  constructor(scope: Construct, id: string, props: SwitchyardWorkflowsStackProps) {
    super(scope, id, props);
    const { core } = props;
    const deployed: Record<string, AgentWorkflow> = {};
    const model = modelProviderFromContext(this);
    for (const [key, workflow] of Object.entries(props.workflows)) {
      // The registry key is what requests name (`POST /workflows/{name}/runs`); it must be the workflow's.
      if (key !== workflow.name) {
        throw new Error(`Workflow registered as "${key}" is named "${workflow.name}"; use one name.`);
      }
      deployed[key] = new AgentWorkflow(this, constructId(workflow.name), {
        workflow,
        stage: core.resources.stage,
        prefix: core.resources.prefix,
        checkpointTable: core.checkpointTable,
        alertsTopic: core.alertsTopic,
        dataBucket: core.dataBucketRef,
        model,
        ...(props.entryFor ? { entryFor: props.entryFor } : {}),
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      });
    }
    this.workflows = deployed;
    new Observability(this, "Observability", {
      prefix: core.resources.prefix,
      workflows: deployed,
      alertsTopic: core.alertsTopic,
    });
  }
}

/** `end-of-day` → `EndOfDay`: construct ids (and so logical ids) read like the workflow. */
function constructId(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
