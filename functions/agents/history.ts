import {
  type BaseMessage,
  mapChatMessagesToStoredMessages,
  type StoredMessage,
  SystemMessage,
  trimMessages,
} from "@langchain/core/messages";
import { countMessageTokens } from "#models";

/**
 * The conversation as plain JSON for graph state, keeping the latest turns within `maxTokens`
 * (estimated) so a long run cannot outgrow a checkpoint item. A leading system prompt always
 * stays; the kept turns start on a human or model message, never on a tool answer cut off from
 * its call. A bound smaller than the last turn keeps only the system prompt — the run's `final`
 * is returned on its own, so the answer is never lost to trimming.
 *
 * @example
 * const stored = await storedHistory(messages, 8_000);
 */
export async function storedHistory(messages: BaseMessage[], maxTokens: number): Promise<StoredMessage[]> {
  // The system prompt is set aside by hand: with `includeSystem`, trimMessages (core 1.4)
  // returns `[undefined]` when no turn fits, dropping the prompt.
  const [first, ...rest] = messages;
  const system = first && SystemMessage.isInstance(first) ? [first] : [];
  const turns = system.length > 0 ? rest : messages;
  const budget = maxTokens - countMessageTokens(system);
  const kept =
    budget > 0
      ? await trimMessages(turns, {
          maxTokens: budget,
          strategy: "last",
          tokenCounter: (ms) => countMessageTokens(ms),
          startOn: ["human", "ai"],
        })
      : [];
  return mapChatMessagesToStoredMessages([...system, ...kept]);
}
