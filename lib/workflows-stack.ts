import { Stack, type StackProps } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { FunctionRole, WorkflowDefinition } from "#engine";
import { AgentWorkflow } from "./constructs/agent-workflow.ts";
import { modelProviderFromContext } from "./constructs/model-provider.ts";
import { Observability } from "./constructs/observability.ts";
import type { SwitchyardCoreStack } from "./core-stack.ts";

export interface SwitchyardWorkflowStackProps extends StackProps {
  /** The stage's shared resources: checkpoint table, alerts topic and data bucket. */
  readonly core: SwitchyardCoreStack;
  /** The workflow this stack deploys (`#workflows`), under the name requests give it. */
  readonly workflow: WorkflowDefinition;
  /** Handler file per role (default: `functions/handlers/*`); tests bundle a stand-in. */
  readonly entryFor?: (role: FunctionRole) => string;
  /** The ops stack's failed-run Lambda: an Express workflow's execution log feeds it. */
  readonly failedRunFunction?: IFunction;
  /** Retention of execution and function log groups (default one month). */
  readonly logRetention?: RetentionDays;
}

/**
 * One workflow of a stage, in a stack of its own (`switchyard-<stage>-workflow-<name>`): its
 * state machine (Standard or Express) driving the LangGraph graph superstep by superstep, the Lambdas it
 * invokes, and what watches them (dashboard, alarms, saved queries), all on the core stack's
 * checkpoint table and alerts topic. A stack per workflow keeps every template far under
 * CloudFormation's 500 resources and 1 MB however many workflows a stage runs
 * (test/unit/stack-scale.test.ts), and a workflow's change redeploys only its own stack.
 * Stateless: destroying it loses no run (checkpoints live in the core stack).
 *
 * @example
 * new SwitchyardWorkflowStack(app, "switchyard-dev-workflow-triage", { core, workflow: workflows.triage });
 */
export class SwitchyardWorkflowStack extends Stack {
  readonly workflow: AgentWorkflow;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: SwitchyardWorkflowStackProps) {
    super(scope, id, props);
    const { core, workflow } = props;
    this.workflow = new AgentWorkflow(this, constructId(workflow.name), {
      workflow,
      stage: core.resources.stage,
      prefix: core.resources.prefix,
      checkpointTable: core.checkpointTable,
      auditSigningKey: core.auditSigningKey,
      alertsTopic: core.alertsTopic,
      dataBucket: core.dataBucketRef,
      model: modelProviderFromContext(this),
      ...(props.entryFor ? { entryFor: props.entryFor } : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.failedRunFunction ? { failedRunFunction: props.failedRunFunction } : {}),
    });
    this.observability = new Observability(this, "Observability", {
      prefix: `${core.resources.prefix}-${workflow.name}`,
      workflows: { [workflow.name]: this.workflow },
      alertsTopic: core.alertsTopic,
    });
  }
}

/** The stack name of a workflow: `switchyard-<stage>-workflow-<name>`. */
export function workflowStackName(prefix: string, workflow: string): string {
  return `${prefix}-workflow-${workflow}`;
}

/** `end-of-day` → `EndOfDay`: construct ids (and so logical ids) read like the workflow. */
function constructId(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
