import type { Env } from "#config";
import { getWorkflow } from "#workflows";
import { out, parseJson, required, UsageError, type Values } from "./args.ts";
import {
  checkpointReader,
  connectAwsTarget,
  readInputFile,
  remoteResumeCommand,
  remoteRunCommand,
  statusCommand,
  workflowForRun,
} from "./aws-target/index.ts";
import { doctorCommand } from "./doctor.ts";

/** `run`, `status`, `resume` on a deployed stage, and `doctor` before one: the caller's credentials. */
export async function awsCommand(
  command: string,
  arg: string | undefined,
  values: Values,
  env: Env,
): Promise<number> {
  const localOnly = (
    ["in-process", "hosting", "memory", "list", "dry-run", "bulk", "trace", "fork"] as const
  ).find((flag) => values[flag]);
  if (localOnly) throw new UsageError(`--${localOnly} is for the embedded AWS, not --target aws`);
  const stage = values.stage ?? env.SWITCHYARD_STAGE;
  const connect = () => connectAwsTarget({ stage, region: env.AWS_REGION });
  switch (command) {
    case "run":
      return remoteRunCommand({
        workflow: getWorkflow(required(arg, "run needs a workflow")),
        input: await readInputFile(values.input),
        connect,
        json: values.json,
        out,
      });
    case "status": {
      const runId = required(arg, "status needs a run id");
      const workflow = getWorkflow(workflowForRun(runId, values.workflow));
      const { saver, failures } = await connect();
      return statusCommand({
        runId,
        workflow,
        read: checkpointReader(saver, failures),
        where: `stage ${stage} (${env.AWS_REGION})`,
        json: values.json,
        out,
      });
    }
    case "resume":
      return remoteResumeCommand({
        runId: required(arg, "resume --target aws needs a run id"),
        workflow: getWorkflow(required(values.workflow, "resume --target aws needs --workflow")),
        answer: parseJson("--answer", required(values.answer, "resume --target aws needs --answer json")),
        connect,
        json: values.json,
        out,
      });
    case "doctor":
      return doctorCommand({
        stage,
        region: env.AWS_REGION,
        context: values.context,
        json: values.json,
        out,
      });
    default:
      throw new UsageError(`${command} has no --target aws (run, status, resume and doctor have)`);
  }
}
