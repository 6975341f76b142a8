/**
 * Chat models by environment (Bedrock, Ollama, OpenAI) and the offline policy model used when
 * none is configured; the one classification of model errors and the retry built on it.
 */

export { causeText } from "./cause-text.ts";
export { type ConversationView, readConversation, type SeenToolCall } from "./conversation.ts";
export {
  answerModelsWith,
  type CreateChatModelOptions,
  createChatModel,
  type ModelEnv,
  type ModelIdentity,
  modelIdentity,
} from "./create.ts";
export { fetchNamingEndpoint, ModelEndpointError } from "./endpoint.ts";
export { ModelCallError, ModelError, PolicyConflictError } from "./errors.ts";
export { genericReadPolicy } from "./fallback.ts";
export {
  OFFLINE_MODEL_NAME,
  OFFLINE_PROVIDER,
  type OfflinePolicyCallOptions,
  OfflinePolicyModel,
  type OfflinePolicyModelFields,
} from "./offline.ts";
export {
  type AgentPolicy,
  definePolicy,
  type OfflineToolSpec,
  offlinePolicies,
  type PolicyDecision,
  PolicyRegistry,
  type PolicyToolCall,
} from "./policy.ts";
export { MODEL_RETRY_POLICY, type RetryOptions, withModelRetry } from "./retry.ts";
export { countMessageTokens, estimateTokens, messageText } from "./tokens.ts";
