import { AIMessage, type BaseMessage } from "@langchain/core/messages";

/**
 * A deterministic token ESTIMATE: one token per four characters, rounded up. It is not any
 * real tokenizer's count; it exists so that offline runs report usage and the metrics and
 * dashboards work without a model. Real providers report their own counts.
 *
 * @example
 * estimateTokens("check the desk limit"); // 5
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The text a message costs: its content plus, for a model turn, the tool calls it made. */
export function messageText(message: BaseMessage): string {
  const content = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
  if (AIMessage.isInstance(message) && message.tool_calls?.length) {
    return content + JSON.stringify(message.tool_calls.map(({ name, args }) => ({ name, args })));
  }
  return content;
}

/**
 * Estimated tokens of a conversation; also the `tokenCounter` the agents give `trimMessages`.
 *
 * @example
 * countMessageTokens([new HumanMessage("hello")]); // 2
 */
export function countMessageTokens(messages: readonly BaseMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(messageText(m)), 0);
}
