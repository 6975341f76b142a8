import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type LangSmithParams } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { Command, MemorySaver } from "@langchain/langgraph";
import { canonicalJson } from "#core";
import { compileWorkflow, DEFAULT_RECURSION_LIMIT, type WorkflowDefinition } from "#engine";
import { answerModelsWith } from "#models";
import type { AuditRecord } from "./chain.ts";
import { ReplayDivergedError } from "./errors.ts";
import { memoryAuditLog } from "./log.ts";
import { AuditRecorder, auditedPrompt, auditRedaction, promptDigest } from "./recorder.ts";
import { localSigner, newLocalSigningKey } from "./signer.ts";

interface RecordedAnswer {
  readonly model: string;
  readonly response: { content?: unknown; toolCalls?: { id?: string; name: string; args: unknown }[] };
  readonly tokens: { input: number; output: number };
}

/** The recorded model answers of a run, by the digest of the prompt each answered (in order, per prompt). */
export class AnswerBook {
  readonly #answers = new Map<string, RecordedAnswer[]>();
  constructor(chain: readonly AuditRecord[]) {
    for (const r of chain) {
      if (r.kind !== "model" || "error" in r.data) continue;
      const digest = String(r.data.promptDigest);
      const list = this.#answers.get(digest) ?? [];
      list.push(r.data as unknown as RecordedAnswer);
      this.#answers.set(digest, list);
    }
  }
  take(digest: string): RecordedAnswer | undefined {
    return this.#answers.get(digest)?.shift();
  }
}

/**
 * A chat model that answers only what the recorded run was asked, with what the recorded model
 * said then. A prompt the recorded run never sent (the decisions took another path) is an error
 * naming the agent: the replay has diverged.
 */
export class RecordedAnswerModel extends BaseChatModel {
  readonly #book: AnswerBook;
  readonly #redact: (value: unknown) => unknown;
  readonly agent: string;

  constructor(book: AnswerBook, agent: string, redactFields: readonly string[] = []) {
    super({});
    this.#book = book;
    this.agent = agent;
    this.#redact = auditRedaction(redactFields);
  }

  _llmType(): string {
    return "recorded-answers";
  }

  override getLsParams(): LangSmithParams {
    return { ls_provider: "replay", ls_model_name: "recorded-answers", ls_model_type: "chat" };
  }

  // The answers are recorded, tools and all: binding changes nothing.
  override bindTools(): this {
    return this;
  }

  async _generate(
    messages: BaseMessage[],
    _options: unknown,
    _run?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const digest = promptDigest(auditedPrompt(messages, this.#redact));
    const answer = this.#book.take(digest);
    if (!answer) {
      throw new ReplayDivergedError(
        this.agent,
        `the recorded run never sent this prompt (digest ${digest.slice(0, 12)})`,
      );
    }
    const content = typeof answer.response.content === "string" ? answer.response.content : "";
    const message = new AIMessage({
      content,
      tool_calls: (answer.response.toolCalls ?? []).map((c) => ({
        id: c.id ?? "",
        name: c.name,
        args: c.args as Record<string, unknown>,
        type: "tool_call" as const,
      })),
      response_metadata: { model_provider: "replay", model_name: answer.model },
    });
    const { input, output } = answer.tokens;
    message.usage_metadata = { input_tokens: input, output_tokens: output, total_tokens: input + output };
    return { generations: [{ text: content, message }] };
  }
}

/** One decision, comparable across the recorded run and its replay (no times, ids or positions). */
function decisionsOf(chain: readonly AuditRecord[]): string[] {
  return chain
    .filter((r) => r.kind === "model" || r.kind === "tool")
    .map((r) =>
      r.kind === "model"
        ? `model ${r.node} ${String(r.data.promptDigest).slice(0, 16)} → ${canonicalJson(r.data.response)}`
        : `tool ${r.node} ${String(r.data.tool)}(${canonicalJson(r.data.args)}) → ${canonicalJson(
            r.data.refused ? { refused: r.data.refused } : (r.data.result ?? { error: r.data.error }),
          )}`,
    )
    .sort();
}

export interface ReplayReport {
  readonly runId: string;
  readonly workflow: string;
  readonly ok: boolean;
  /** Model answers the replay took from the record, and how many the record holds. */
  readonly modelCalls: { readonly recorded: number; readonly replayed: number };
  readonly toolCalls: { readonly recorded: number; readonly replayed: number };
  /** Decisions in one run and not the other (at most five of each). */
  readonly onlyRecorded: readonly string[];
  readonly onlyReplayed: readonly string[];
  /** The workflow's summary of each outcome, without where outputs were written. */
  readonly outcome: { readonly recorded: unknown; readonly replayed: unknown; readonly equal: boolean };
  /** Why the replay stopped early, when it did. */
  readonly diverged?: string;
}

/**
 * Re-runs a recorded run's decisions: its input through the same workflow, in this process,
 * every model answering from the record (by prompt) and every tool running again on the same
 * data, the recorded approvals given in order. The replay reproduces the run when it asks the
 * same prompts, calls the same tools with the same arguments and gets the same answers, and ends
 * with the same outcome. Side effects must go to a ledger of the caller's (the CLI binds an
 * in-memory one), never the real one.
 *
 * @example
 * const report = await replayRun({ runId, chain: verified.chain, workflow: triage, recordedState });
 */
export async function replayRun(options: {
  readonly runId: string;
  readonly chain: readonly AuditRecord[];
  readonly workflow: WorkflowDefinition;
  readonly recordedState: Record<string, unknown>;
  readonly redactFields?: readonly string[];
}): Promise<ReplayReport> {
  const { runId, chain, workflow } = options;
  const input = chain.find((r) => r.kind === "input")?.data.input ?? {};
  const answers = chain.filter((r) => r.kind === "approval").map((r) => r.data.answer);
  const log = memoryAuditLog();
  const threadId = `replay-${runId}`;
  // LangGraph's own loop, fed what the recorded graph was fed: the state its run started from,
  // then each recorded answer as `Command({ resume })`.
  const graph = compileWorkflow(workflow, new MemorySaver());
  const config = {
    configurable: { thread_id: threadId },
    recursionLimit: workflow.recursionLimit ?? DEFAULT_RECURSION_LIMIT,
    callbacks: [
      new AuditRecorder({
        log,
        signer: localSigner(newLocalSigningKey(), "local:replay"),
        ...(options.redactFields ? { redactFields: options.redactFields } : {}),
      }),
    ],
  };
  const book = new AnswerBook(chain);
  const restore = answerModelsWith((agent) => new RecordedAnswerModel(book, agent, options.redactFields));
  let state: Record<string, unknown> | undefined;
  let diverged: string | undefined;
  try {
    await graph.invoke(input as never, config);
    for (const answer of answers) {
      if ((await graph.getState(config)).tasks.length === 0) break;
      await graph.invoke(new Command({ resume: answer }) as never, config);
    }
    state = (await graph.getState(config)).values as Record<string, unknown>;
  } catch (err) {
    diverged = err instanceof Error ? err.message : String(err);
  } finally {
    restore();
  }

  const replayed = (await log.stored(threadId)).map((s) => JSON.parse(s.body) as AuditRecord);
  const before = decisionsOf(chain);
  const after = decisionsOf(replayed);
  const outcome = {
    recorded: summaryOf(workflow, options.recordedState),
    replayed: state ? summaryOf(workflow, state) : undefined,
  };
  const equalOutcome = canonicalJson(outcome.recorded) === canonicalJson(outcome.replayed);
  const onlyRecorded = difference(before, after);
  const onlyReplayed = difference(after, before);
  return {
    runId,
    workflow: workflow.name,
    ok: !diverged && onlyRecorded.length === 0 && onlyReplayed.length === 0 && equalOutcome,
    modelCalls: { recorded: count(chain, "model"), replayed: count(replayed, "model") },
    toolCalls: { recorded: count(chain, "tool"), replayed: count(replayed, "tool") },
    onlyRecorded: onlyRecorded.slice(0, 5),
    onlyReplayed: onlyReplayed.slice(0, 5),
    outcome: { ...outcome, equal: equalOutcome },
    ...(diverged ? { diverged } : {}),
  };
}

const count = (chain: readonly AuditRecord[], kind: string) => chain.filter((r) => r.kind === kind).length;

/** Multiset difference: what `a` has more of than `b`. */
function difference(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** The workflow's own summary of a state, without output locations (a replay writes nowhere). */
function summaryOf(workflow: WorkflowDefinition, state: Record<string, unknown>): unknown {
  const summary = workflow.summarize?.(state as never);
  if (!summary) return state;
  const figures = Object.fromEntries(
    Object.entries(summary.figures ?? {}).filter(([key]) => !key.startsWith("output.")),
  );
  return { headline: summary.headline, figures };
}
