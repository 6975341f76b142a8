import { SwitchyardError } from "#engine";

/**
 * Why a command could not reach a deployed stage. Each carries a stable `code`; the CLI prints
 * the message and exits 2, since retrying the same command cannot help until something changes.
 */
export class AwsTargetError extends SwitchyardError {}

/** `DescribeStacks` does not know the stack: not deployed, another stage, or another region. */
export class StackNotFoundError extends AwsTargetError {
  readonly stackName: string;
  constructor(stackName: string, region: string, cause?: unknown) {
    super(
      "Switchyard.StackNotFound",
      `Stack ${stackName} does not exist in ${region}: deploy it (npx cdk deploy --all -c stage=<stage>), ` +
        "or pass the right --stage / AWS_REGION.",
      { cause },
    );
    this.stackName = stackName;
  }
}

/** The stack exists but lacks an output the CLI needs (still creating, rolled back, or older). */
export class StackOutputMissingError extends AwsTargetError {
  readonly stackName: string;
  readonly outputKey: string;
  constructor(stackName: string, outputKey: string, status: string) {
    super(
      "Switchyard.StackOutputMissing",
      `Stack ${stackName} (${status}) has no output ${outputKey}: redeploy it with this version of Switchyard.`,
    );
    this.stackName = stackName;
    this.outputKey = outputKey;
  }
}

/** The standard credential chain found nothing (no env keys, profile, SSO session or role). */
export class AwsCredentialsError extends AwsTargetError {
  constructor(cause: unknown) {
    super(
      "Switchyard.AwsCredentials",
      `No AWS credentials for --target aws: ${(cause as Error)?.message ?? cause}. ` +
        "Set AWS_PROFILE, run aws sso login, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
      { cause },
    );
  }
}

/** `--stage` is not a stage name `resources(stage)` accepts. */
export class InvalidStageError extends AwsTargetError {
  constructor(stage: string, cause: unknown) {
    super("Switchyard.InvalidStage", (cause as Error)?.message ?? `Invalid stage "${stage}".`, { cause });
  }
}

/** A run id the requests queue would refuse (8–80 letters, digits, `-`, `_`). */
export class InvalidRunIdError extends AwsTargetError {
  constructor(runId: string) {
    super("Switchyard.InvalidRunId", `"${runId}" is not a run id: 8–80 letters, digits, '-' and '_'.`);
  }
}

/** The run id does not name its workflow (only ids the API and `run --target aws` make do). */
export class WorkflowNeededError extends AwsTargetError {
  constructor(runId: string) {
    super(
      "Switchyard.WorkflowNeeded",
      `Run id "${runId}" does not name its workflow: add --workflow <name>.`,
    );
  }
}
