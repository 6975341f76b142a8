/**
 * `switchyard … --target aws`: the CLI against a deployed stage instead of the embedded AWS.
 * Endpoints come from the stage's CloudFormation outputs; credentials from the SDK's chain.
 *
 * @example
 * const connect = () => connectAwsTarget({ stage: "dev", region: process.env.AWS_REGION ?? "us-east-1" });
 * await remoteRunCommand({ workflow: getWorkflow("triage"), input: {}, connect, json: false, out: console.log });
 */
export * from "./errors.ts";
export { type RemoteResumeOptions, remoteResumeCommand } from "./resume.ts";
export { type RemoteRunOptions, readInputFile, remoteRunCommand } from "./run.ts";
export { type RunRequestFields, sendRunRequest, watchHints } from "./send.ts";
export { API_OUTPUTS, CORE_OUTPUTS, type DeployedStage, resolveStage } from "./stack-outputs.ts";
export {
  checkpointReader,
  formatRunStatus,
  type RunReader,
  type RunStatus,
  type RunStatusName,
  runStatus,
  type StatusCommandOptions,
  statusCommand,
  workflowForRun,
} from "./status.ts";
export { type AwsTarget, type AwsTargetOptions, connectAwsTarget } from "./target.ts";
