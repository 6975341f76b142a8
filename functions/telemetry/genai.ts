/**
 * OpenTelemetry GenAI semantic-convention names Switchyard's spans use (the "gen-ai" semantic
 * conventions of OpenTelemetry). Written out rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`, whose GenAI names are still moving: the
 * spans say exactly what the conventions say today, and a test pins them.
 */
export const GENAI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  agentName: "gen_ai.agent.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  conversationId: "gen_ai.conversation.id",
  errorType: "error.type",
} as const;

/** `gen_ai.operation.name` values, and the span name each gives (`{operation} {subject}`). */
export type GenAiOperation = "invoke_workflow" | "invoke_agent" | "chat" | "execute_tool";

/** Switchyard's own span attributes (correlation), beside the GenAI ones. */
export const SWITCHYARD = {
  workflow: "switchyard.workflow",
  threadId: "switchyard.thread.id",
  runId: "switchyard.run.id",
  executionName: "switchyard.execution.name",
  node: "switchyard.node",
  taskId: "switchyard.task.id",
  step: "switchyard.step",
  status: "switchyard.run.status",
  handler: "switchyard.handler",
  offline: "switchyard.model.offline",
} as const;

/** Conventions' provider names of the LangChain provider ids (`ls_provider`) Switchyard uses. */
const PROVIDER_NAMES: ReadonlyMap<string, string> = new Map([
  ["amazon_bedrock", "aws.bedrock"],
  ["bedrock", "aws.bedrock"],
  ["openai", "openai"],
  ["ollama", "ollama"],
  ["offline", "switchyard.offline"],
]);

/** `gen_ai.provider.name` for a LangChain provider id (`ls_provider`), per the conventions' list. */
export function providerName(lsProvider: string): string {
  return PROVIDER_NAMES.get(lsProvider) ?? lsProvider;
}
