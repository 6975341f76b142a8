import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";

/** A tool call the model made earlier in the conversation, with its answer once one arrived. */
export interface SeenToolCall {
  readonly id: string;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly answered: boolean;
  /** The tool's answer, parsed from JSON when it is JSON. */
  readonly result?: unknown;
  /** Set when the tool (or the agent's guard) answered with an error. */
  readonly error?: string;
}

/** What a policy may look at: the task it was given and the tool calls made so far. */
export interface ConversationView {
  /** The text of the last human message. */
  readonly task: string;
  /** The JSON object in the task, if it carries one (the usual way a node hands over its subject). */
  readonly subject: Readonly<Record<string, unknown>>;
  readonly calls: readonly SeenToolCall[];
  /** Model turns so far. */
  readonly turns: number;
}

/**
 * Reads a conversation the way a policy needs it: the task, its subject, and each tool call
 * paired with its answer by `tool_call_id`.
 *
 * @example
 * const { subject, calls } = readConversation(messages);
 * const trade = calls.find((c) => c.name === "get_trade" && !c.error)?.result;
 */
export function readConversation(messages: readonly BaseMessage[]): ConversationView {
  const answers = new Map<string, ToolMessage>();
  for (const m of messages) if (ToolMessage.isInstance(m)) answers.set(m.tool_call_id, m);
  const calls: SeenToolCall[] = [];
  let task = "";
  let turns = 0;
  for (const m of messages) {
    if (HumanMessage.isInstance(m)) task = textOf(m);
    if (!AIMessage.isInstance(m)) continue;
    turns++;
    for (const call of m.tool_calls ?? []) {
      const id = call.id ?? "";
      const answer = answers.get(id);
      const content = answer ? textOf(answer) : undefined;
      calls.push({
        id,
        name: call.name,
        args: call.args,
        answered: answer !== undefined,
        ...(content === undefined ? {} : { result: parseJson(content) }),
        ...(answer?.status === "error" ? { error: content } : {}),
      });
    }
  }
  return { task, subject: subjectOf(task), calls, turns };
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The whole task as a JSON object, else the first `{...}` span in it that parses as one. */
function subjectOf(task: string): Record<string, unknown> {
  const whole = parseJson(task.trim());
  if (isRecord(whole)) return whole;
  const start = task.indexOf("{");
  const end = task.lastIndexOf("}");
  if (start < 0 || end <= start) return {};
  const inner = parseJson(task.slice(start, end + 1));
  return isRecord(inner) ? inner : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
