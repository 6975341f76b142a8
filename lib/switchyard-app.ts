import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_STAGE, resources } from "#config";
import { SwitchyardCoreStack } from "./core-stack.ts";

/** The stacks of one stage, as `bin/app.ts` builds them. */
export interface SwitchyardStacks {
  readonly stage: string;
  readonly core: SwitchyardCoreStack;
}

/**
 * Adds every Switchyard stack for the stage in the app's context (`-c stage=prod`, default
 * {@link DEFAULT_STAGE}) and registers cdk-nag's AWS Solutions pack, so `cdk synth` fails on any
 * unacknowledged finding. Shared by `bin/app.ts` and the infrastructure tests, so both build the same app.
 *
 * @example
 * const app = new App({ context: { stage: "dev" } });
 * const { core } = defineSwitchyard(app);
 * app.synth();
 */
export function defineSwitchyard(app: App): SwitchyardStacks {
  const stage = String(app.node.tryGetContext("stage") ?? DEFAULT_STAGE);
  const r = resources(stage); // validates the stage name before anything is built

  // cdk-nag 3 is a policy-validation plugin, not an Aspect (PITFALLS.md).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const core = new SwitchyardCoreStack(app, `${r.prefix}-core`, {
    stage,
    description: `Switchyard ${stage}: checkpoint table, requests queue and DLQ, failed-runs queue, alerts topic`,
    // Environment-agnostic unless the CLI knows the account (deploy), so synth needs no credentials.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    tags: { project: "switchyard", stage },
  });
  return { stage, core };
}
