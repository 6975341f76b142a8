import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_STAGE, resources } from "#config";
import type { FunctionRole, WorkflowDefinition } from "#engine";
// The one registry of workflows (the CLI reads the same): a deploy ships exactly what runs locally.
import { SwitchyardApiStack } from "./api-stack.ts";
import { mskOptionsFrom } from "./constructs/msk.ts";
import { SwitchyardCoreStack } from "./core-stack.ts";
import { SwitchyardOpsStack } from "./ops-stack.ts";
import { SwitchyardWorkflowStack, workflowStackName } from "./workflows-stack.ts";

/** The stacks of one stage, as `bin/app.ts` builds them. */
export interface SwitchyardStacks {
  readonly stage: string;
  readonly core: SwitchyardCoreStack;
  readonly ops: SwitchyardOpsStack;
  /** One stack per workflow, by workflow name (empty while no workflow is registered). */
  readonly workflows: Readonly<Record<string, SwitchyardWorkflowStack>>;
  /** Absent while no workflow is registered (its schedules and routes start workflows). */
  readonly api?: SwitchyardApiStack;
}

export interface SwitchyardAppOptions {
  /**
   * The workflows to deploy, by name: `bin/app.ts` passes this repository's registry
   * (`#workflows`), an app of its own its own. Passed, not defaulted, so the `switchyard/cdk` face
   * loads no workflow of ours (and stays loadable by a CommonJS CDK app: no top-level await).
   */
  readonly workflows: Readonly<Record<string, WorkflowDefinition>>;
  /** Handler file per Lambda role (default `functions/handlers/*`); tests bundle a stand-in. */
  readonly entryFor?: (role: FunctionRole) => string;
  /**
   * Whether synth runs cdk-nag (default true, as `cdk synth` does). A plan of what a deploy asks
   * of an account (`lib/stage-plan.ts`) reads the templates only and leaves it out.
   */
  readonly nag?: boolean;
}

/**
 * Adds every Switchyard stack for the stage in the app's context (`-c stage=prod`, default
 * {@link DEFAULT_STAGE}) and registers cdk-nag's AWS Solutions pack, so `cdk synth` fails on any
 * unacknowledged finding. Shared by `bin/app.ts` and the infrastructure tests, so both build the same app.
 *
 * @example
 * const app = new App({ context: { stage: "dev" } });
 * const { core, workflows } = defineSwitchyard(app, { workflows: registry });
 * workflows.triage?.workflow.stateMachine;
 * app.synth();
 */
export function defineSwitchyard(app: App, options: SwitchyardAppOptions): SwitchyardStacks {
  const stage = String(app.node.tryGetContext("stage") ?? DEFAULT_STAGE);
  const r = resources(stage); // validates the stage name before anything is built

  // cdk-nag 3 is a policy-validation plugin, not an Aspect (docs/architecture.md, "Verified pitfalls").
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  // Environment-agnostic unless the CLI knows the account (deploy), so synth needs no credentials.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const tags = { project: "switchyard", stage };
  const registry = options.workflows;
  const core = new SwitchyardCoreStack(app, `${r.prefix}-core`, {
    stage,
    // The data-arrivals rule (deployed with its workflow) dead-letters into an encrypted queue.
    eventBridgeDeadLetters: Object.hasOwn(registry, r.dataBucket.arrivalWorkflow),
    description: `Switchyard ${stage}: checkpoint table, requests queue and DLQ, failed-runs queue, alerts topic`,
    env,
    tags,
  });
  // Ingress, failed runs and alerts; alarms and the notifier matter even before any workflow.
  const ops = new SwitchyardOpsStack(app, `${r.prefix}-ops`, {
    core,
    workflows: Object.keys(registry),
    expressWorkflows: Object.values(registry)
      .filter((w) => w.execution === "express")
      .map((w) => w.name),
    // Tests that stand in the engine's handlers stand in these too (bundling real ones is slow).
    ...(options.entryFor ? { entryFor: () => options.entryFor?.("start") ?? "" } : {}),
    ...(alertEmails(app) ? { alertEmails: alertEmails(app) } : {}),
    ...(notifierReservedConcurrency(app)
      ? { notifierReservedConcurrency: notifierReservedConcurrency(app) }
      : {}),
    ...(mskOptionsFrom(app) ? { msk: mskOptionsFrom(app) } : {}),
    description: `Switchyard ${stage}: dispatcher, failed runs, alerts and their notifier`,
    env,
    tags,
  });
  // One stack per workflow, stateless and redeployed with its workflow's changes; the state it
  // works on stays in core. Each registry key is what requests name (`POST /workflows/{name}/runs`).
  const workflows: Record<string, SwitchyardWorkflowStack> = {};
  for (const [key, workflow] of Object.entries(registry)) {
    if (key !== workflow.name) {
      throw new Error(`Workflow registered as "${key}" is named "${workflow.name}"; use one name.`);
    }
    workflows[key] = new SwitchyardWorkflowStack(app, workflowStackName(r.prefix, key), {
      core,
      workflow,
      // Express executions report failures only in their log: the failed-run Lambda reads it.
      ...(workflow.execution === "express" ? { failedRunFunction: ops.alerting.failedRun.function } : {}),
      ...(options.entryFor ? { entryFor: options.entryFor } : {}),
      description: `Switchyard ${stage}: state machine, Lambdas and alarms of workflow ${key}`,
      env,
      tags,
    });
  }
  if (Object.keys(registry).length === 0) return { stage, core, ops, workflows };
  const api = new SwitchyardApiStack(app, `${r.prefix}-api`, {
    core,
    workflows: registry,
    env,
    tags,
    ...(options.entryFor ? { apiEntry: options.entryFor("start") } : {}),
  });
  return { stage, core, ops, workflows, api };
}

/** `-c notifierReservedConcurrency=2`: a cap on the notifier (default none: new accounts refuse any). */
function notifierReservedConcurrency(app: App): number | undefined {
  const value = app.node.tryGetContext("notifierReservedConcurrency") as string | number | undefined;
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`-c notifierReservedConcurrency=${value}: a whole number of at least 1.`);
  }
  return n;
}

/** `-c alertEmails=a@example.com,b@example.com`: who gets alert emails. */
function alertEmails(app: App): string[] | undefined {
  const value = app.node.tryGetContext("alertEmails") as string | undefined;
  const list = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}
