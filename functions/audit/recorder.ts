import { createHash } from "node:crypto";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { ToolCallRecord } from "#agents";
import { TOOL_REFUSED_EVENT } from "#agents/events";
import { canonicalJson } from "#core";
import { redactor } from "#telemetry/logger";
import type { AuditEntry } from "./chain.ts";
import type { AuditLog } from "./log.ts";
import type { Signer } from "./signer.ts";

export interface AuditRecorderOptions {
  readonly log: AuditLog;
  readonly signer: Signer;
  /** Field names redacted before anything is stored, beside the built-in secret names (`LOG_REDACT_FIELDS`). */
  readonly redactFields?: readonly string[];
  readonly clock?: () => Date;
}

type Metadata = Record<string, unknown> | undefined;

/** Where a LangChain run happens: its thread (the audit's run id), node and task. */
interface Place {
  readonly threadId: string | undefined;
  readonly node: string | undefined;
  readonly taskId: string | undefined;
  readonly isNode: boolean;
}

interface PendingCall {
  readonly place: Place;
  readonly data: Record<string, unknown>;
}

/**
 * Appends what a run's agents did to the run's audit chain, as it happens: the run's input,
 * each model call (prompt, model, parameters, response, tokens — the prompt's digest too, so a
 * replay can find the answer), each tool call (arguments, result or error, side effect), and
 * seals the chain head when a node ends. A LangChain callback handler, so it sees every
 * agent of every workflow without their code knowing; handlers are awaited and their errors
 * raised, so a record that cannot be stored fails the node (retried) rather than going missing.
 * Everything stored passes the log redaction rules first.
 *
 * @example
 * const recorder = new AuditRecorder({ log: dynamoAuditLog(ddb, table), signer });
 * await runInProcessWith(triage, input, { saver, callbacks: [recorder] });
 */
export class AuditRecorder extends BaseCallbackHandler {
  readonly name = "switchyard-audit";
  override awaitHandlers = true;
  override raiseError = true;
  readonly #places = new Map<string, Place>();
  readonly #calls = new Map<string, PendingCall>();
  /** Threads with records not yet under a seal, and their newest record. */
  readonly #unsealed = new Map<string, { runId: string; seq: number; hash: string }>();
  readonly #redact: (value: unknown) => unknown;
  readonly #clock: () => Date;

  constructor(private readonly options: AuditRecorderOptions) {
    super();
    this.#redact = auditRedaction(options.redactFields);
    this.#clock = options.clock ?? (() => new Date());
  }

  #place(runId: string, parentRunId: string | undefined, metadata: Metadata, runName?: string): Place {
    const parent = parentRunId === undefined ? undefined : this.#places.get(parentRunId);
    const thread = typeof metadata?.thread_id === "string" ? metadata.thread_id : parent?.threadId;
    const node = typeof metadata?.langgraph_node === "string" ? metadata.langgraph_node : parent?.node;
    const ns = typeof metadata?.langgraph_checkpoint_ns === "string" ? metadata.langgraph_checkpoint_ns : "";
    const taskId = ns.split("|")[0]?.split(":")[1] ?? parent?.taskId;
    const isNode =
      node !== undefined && node === runName && !node.startsWith("__") && parent?.node === undefined;
    const place = { threadId: thread, node, taskId, isNode };
    this.#places.set(runId, place);
    return place;
  }

  async #append(place: Place, entry: Omit<AuditEntry, "node" | "taskId">): Promise<void> {
    if (!place.threadId) return; // not a workflow run: nothing to audit it under
    const record = await this.options.log.append(place.threadId, {
      ...entry,
      ...(place.node ? { node: place.node } : {}),
      ...(place.taskId ? { taskId: place.taskId } : {}),
      data: this.#redact(entry.data) as Record<string, unknown>,
    });
    const newest = this.#unsealed.get(place.threadId);
    if (!newest || newest.seq < record.seq) this.#unsealed.set(place.threadId, record);
  }

  /** Signs the newest head of every thread with unsealed records. */
  async #seal(): Promise<void> {
    const heads = [...this.#unsealed.values()];
    this.#unsealed.clear();
    for (const head of heads) {
      await this.options.log.putSeal(await this.options.signer.seal(head, this.#clock()));
    }
  }

  override async handleChainStart(
    _chain: Serialized,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    _runType?: string,
    runName?: string,
  ): Promise<void> {
    const place = this.#place(runId, parentRunId, metadata, runName);
    // The root run with a plain object is a run starting on its input (later supersteps, the
    // engine's task runs and resumes pass null or a Command).
    if (parentRunId === undefined && isRunInput(inputs)) {
      await this.#append(place, { kind: "input", data: { workflow: runName ?? "", input: inputs } });
    }
  }

  override async handleChainEnd(_outputs: unknown, runId: string, parentRunId?: string): Promise<void> {
    await this.#endOf(runId, parentRunId);
  }

  override async handleChainError(_err: unknown, runId: string, parentRunId?: string): Promise<void> {
    await this.#endOf(runId, parentRunId);
  }

  async #endOf(runId: string, parentRunId: string | undefined): Promise<void> {
    const place = this.#places.get(runId);
    this.#places.delete(runId);
    if (place?.isNode || parentRunId === undefined) await this.#seal();
  }

  override async handleChatModelStart(
    _llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
    runName?: string,
  ): Promise<void> {
    const place = this.#place(runId, parentRunId, metadata, runName);
    const prompt = auditedPrompt(messages[0] ?? [], this.#redact);
    const { tools, ...params } = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
    this.#calls.set(runId, {
      place,
      data: {
        provider: metadata?.ls_provider ?? "unknown",
        model: metadata?.ls_model_name ?? runName ?? "unknown",
        params: { ...params, ...(Array.isArray(tools) ? { tools: tools.map(toolName) } : {}) },
        prompt,
        promptDigest: promptDigest(prompt),
      },
    });
  }

  override async handleLLMEnd(output: LLMResult, runId: string): Promise<void> {
    const call = this.#take(runId);
    if (!call) return;
    const generation = output.generations[0]?.[0] as { message?: BaseMessage; text?: string } | undefined;
    const message = generation?.message;
    const usage = (message as { usage_metadata?: { input_tokens?: number; output_tokens?: number } })
      ?.usage_metadata;
    await this.#append(call.place, {
      kind: "model",
      data: {
        ...call.data,
        response: message ? messageRecord(message) : { role: "ai", content: generation?.text ?? "" },
        tokens: { input: usage?.input_tokens ?? 0, output: usage?.output_tokens ?? 0 },
      },
    });
  }

  override async handleLLMError(err: unknown, runId: string): Promise<void> {
    const call = this.#take(runId);
    if (call)
      await this.#append(call.place, { kind: "model", data: { ...call.data, error: errorText(err) } });
  }

  override async handleToolStart(
    tool: Serialized,
    input: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    runName?: string,
    toolCallId?: string,
  ): Promise<void> {
    const place = this.#place(runId, parentRunId, metadata, runName);
    this.#calls.set(runId, {
      place,
      data: {
        tool: runName ?? (tool as { name?: string }).name ?? "unknown",
        ...(toolCallId ? { toolCallId } : {}),
        args: typeof input === "string" ? parseMaybe(input) : input,
        sideEffect: metadata?.sideEffect === true,
      },
    });
  }

  override async handleToolEnd(output: unknown, runId: string): Promise<void> {
    const call = this.#take(runId);
    if (call)
      await this.#append(call.place, { kind: "tool", data: { ...call.data, result: toolOutput(output) } });
  }

  override async handleToolError(err: unknown, runId: string): Promise<void> {
    const call = this.#take(runId);
    if (call) await this.#append(call.place, { kind: "tool", data: { ...call.data, error: errorText(err) } });
  }

  /** A call the agent's guard refused: nothing ran, but the model asked, and the record says why not. */
  override async handleCustomEvent(eventName: string, data: unknown, runId: string): Promise<void> {
    if (eventName !== TOOL_REFUSED_EVENT) return;
    const { agent, record } = data as { agent: string; record: ToolCallRecord };
    const place = this.#places.get(runId);
    if (!place) return;
    await this.#append(place, {
      kind: "tool",
      data: {
        tool: record.name,
        toolCallId: record.id,
        agent,
        args: record.args,
        refused: record.refused ?? "refused",
        error: record.error ?? "",
        ...(record.approvalKey ? { approvalKey: record.approvalKey } : {}),
      },
    });
  }

  #take(runId: string): PendingCall | undefined {
    const call = this.#calls.get(runId);
    this.#calls.delete(runId);
    this.#places.delete(runId);
    return call;
  }
}

/** A message as the audit keeps it: role, content, and the tool calls or the call it answers. */
export function messageRecord(m: BaseMessage): Record<string, unknown> {
  const calls = (m as { tool_calls?: { id?: string; name: string; args: unknown }[] }).tool_calls;
  const answers = (m as { tool_call_id?: string }).tool_call_id;
  return {
    role: m.getType(),
    content: m.content,
    ...(calls?.length ? { toolCalls: calls.map((c) => ({ id: c.id, name: c.name, args: c.args })) } : {}),
    ...(answers ? { toolCallId: answers } : {}),
  };
}

/** A prompt as the audit stores it: each message recorded, then redacted. */
export function auditedPrompt(
  messages: readonly BaseMessage[],
  redact: (value: unknown) => unknown,
): unknown {
  return redact(messages.map(messageRecord));
}

/** The redaction the audit applies before storing: the log rules, with `extraFields`. */
export function auditRedaction(extraFields: readonly string[] = []): (value: unknown) => unknown {
  const replacer = redactor(extraFields);
  return (value) => JSON.parse(JSON.stringify(value ?? null, replacer)) as unknown;
}

/**
 * The record of a person's answer to a waiting run (an approval, a rejection, a correction),
 * redacted as everything else the audit stores, with who gave it: `by` when the caller knows,
 * else the approvers the resume path stamped on the answer (one answer, or a map of interrupt
 * id to answer). Local and Lambda runs record answers with it.
 *
 * @example
 * await log.append(runId, answerEntry({ decision: "approve", by: "local:jane", at: "2026-11-24T20:00:00Z" }));
 */
export function answerEntry(
  answer: unknown,
  options: { readonly by?: string; readonly redactFields?: readonly string[] } = {},
): AuditEntry {
  const by = options.by ?? answerersOf(answer);
  return { kind: "approval", data: { answer: auditRedaction(options.redactFields)(answer), by } };
}

/** The identities stamped on an answer (its `by`, or its values' for a map of answers), comma-separated. */
function answerersOf(answer: unknown): string {
  const byOf = (v: unknown) => (v as { by?: unknown } | null)?.by;
  const own = byOf(answer);
  if (typeof own === "string") return own;
  const values = isPlainObject(answer) ? Object.values(answer) : [];
  return [...new Set(values.map(byOf).filter((b): b is string => typeof b === "string"))].join(", ");
}

/** The digest a replay finds a recorded answer by: sha256 of the (redacted) prompt's canonical JSON. */
export function promptDigest(prompt: unknown): string {
  return createHash("sha256").update(canonicalJson(prompt)).digest("hex");
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A graph's input state, not a continuation: LangChain hands callbacks a null input (the
 * engine's later supersteps and task runs) wrapped as `{ input: null }`.
 */
function isRunInput(inputs: unknown): inputs is Record<string, unknown> {
  if (!isPlainObject(inputs)) return false;
  const keys = Object.keys(inputs);
  return !(keys.length === 1 && keys[0] === "input" && !isPlainObject(inputs.input));
}

const toolName = (t: unknown) =>
  (t as { function?: { name?: string }; name?: string })?.function?.name ??
  (t as { name?: string })?.name ??
  "?";

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toolOutput(output: unknown): unknown {
  const content = (output as { content?: unknown })?.content;
  const value = content ?? output;
  return typeof value === "string" ? parseMaybe(value) : value;
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
