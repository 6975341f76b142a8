import { workflowInfo } from "#api";
import { historyLine, type WorkflowDefinition } from "#engine";
import { describeSchema } from "./format.ts";

export interface DescribeCommandOptions {
  readonly workflow: WorkflowDefinition;
  readonly json: boolean;
  readonly out: (text: string) => void;
}

/**
 * `switchyard describe <workflow> [--json]`: what a workflow takes and gives, from its own
 * schemas — the input as JSON Schema, the result it declares, the answers a waiting run accepts —
 * with an example request for the API and the CLI. `--json` prints what `GET /workflows/{name}`
 * answers.
 *
 * @example
 * await describeCommand({ workflow: getWorkflow("triage"), json: false, out: console.log });
 */
export async function describeCommand(o: DescribeCommandOptions): Promise<number> {
  const info = workflowInfo(o.workflow);
  if (o.json) {
    o.out(JSON.stringify(info, null, 2));
    return 0;
  }
  const body = JSON.stringify(info.example.body);
  const lines = [
    `${info.name}: ${info.description}`,
    "",
    `nodes    ${info.nodes.join(", ")}`,
    `hosting  ${info.hosting}`,
    `history  ${historyLine(o.workflow)}`,
    `input    ${describeSchema(info.input)}`,
    ...(info.result ? [`result   ${describeSchema(info.result, 1)}`] : []),
    ...Object.entries(info.answers ?? {}).map(
      ([node, schema]) => `answers  ${node}: ${describeSchema(schema)}`,
    ),
    "",
    "Input (JSON Schema):",
    ...JSON.stringify(info.input, null, 2)
      .split("\n")
      .map((l) => `  ${l}`),
    "",
    "Example request:",
    `  curl -s -X POST http://127.0.0.1:3000${info.example.path} \\`,
    `    -H 'content-type: application/json' -d '${body}'`,
    `  npm run switchyard -- run ${info.name} --input input.json   # input.json: ${JSON.stringify(info.example.body.input)}`,
  ];
  o.out(lines.join("\n"));
  return 0;
}
