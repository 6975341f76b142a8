import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigurationError, checkModelSettings, type Env } from "#config";
import { fetchNamingEndpoint } from "./endpoint.ts";
import { OFFLINE_PROVIDER, OfflinePolicyModel } from "./offline.ts";
import { type AgentPolicy, offlinePolicies, type PolicyRegistry } from "./policy.ts";

/** The settings a model choice reads; a full `Env` from `readEnv()` fits. */
export type ModelEnv = Pick<
  Env,
  | "MODEL_PROVIDER"
  | "AWS_REGION"
  | "BEDROCK_MODEL_ID"
  | "OLLAMA_BASE_URL"
  | "OLLAMA_MODEL"
  | "OPENAI_API_KEY"
  | "OPENAI_MODEL"
>;

export interface CreateChatModelOptions {
  /** The agent the model serves: picks its offline policy and names it in metadata. */
  readonly agent: string;
  /** An explicit offline policy, ahead of the registry's. */
  readonly policy?: AgentPolicy;
  /** Where registered offline policies are looked up (default: the process-wide registry). */
  readonly policies?: PolicyRegistry;
  /** A ready Bedrock client (tests, custom request handlers); otherwise one is built for the region. */
  readonly bedrockClient?: BedrockRuntimeClient;
}

/**
 * The chat model for one agent, chosen by the environment:
 * `MODEL_PROVIDER=bedrock` → `ChatBedrockConverse` (needs `BEDROCK_MODEL_ID`),
 * `ollama` → `ChatOllama` (needs `OLLAMA_BASE_URL`, `OLLAMA_MODEL`),
 * `openai` → `ChatOpenAI` (needs `OPENAI_API_KEY`, `OPENAI_MODEL`),
 * unset or `offline` → the {@link OfflinePolicyModel} with the agent's registered policy.
 * The provider is never guessed from which keys happen to be set: a stray `OPENAI_API_KEY`
 * must not turn an offline run into a paid one. Provider SDK retries are switched off because
 * the agent loop's `withModelRetry` is the one place that retries.
 *
 * Providers are imported only when chosen: the offline default never loads three SDKs at cold
 * start, and a deployment leaves the unused ones out of its Lambda bundles (`SwitchyardFunction`).
 *
 * @throws ConfigurationError naming the missing variable for the chosen provider.
 * @example
 * const model = await createChatModel(readEnv(), { agent: "triage.classifier" });
 */
export async function createChatModel(
  env: ModelEnv,
  options: CreateChatModelOptions,
): Promise<BaseChatModel> {
  if (answering) return answering(options.agent);
  const provider = env.MODEL_PROVIDER ?? OFFLINE_PROVIDER;
  checkModelSettings(env); // every missing setting at once, by the one table (MODEL_SETTINGS)
  switch (provider) {
    case "bedrock": {
      const { ChatBedrockConverse } = await loadProvider(provider, () => import("@langchain/aws"));
      return new ChatBedrockConverse({
        model: required(env, "BEDROCK_MODEL_ID", provider),
        region: env.AWS_REGION,
        temperature: 0,
        ...(options.bedrockClient
          ? { client: options.bedrockClient }
          : { clientOptions: { maxAttempts: 1 } }),
      });
    }
    case "ollama": {
      const { ChatOllama } = await loadProvider(provider, () => import("@langchain/ollama"));
      return new ChatOllama({
        baseUrl: required(env, "OLLAMA_BASE_URL", provider),
        model: required(env, "OLLAMA_MODEL", provider),
        temperature: 0,
        fetch: fetchNamingEndpoint(),
      });
    }
    case "openai": {
      const { ChatOpenAI } = await loadProvider(provider, () => import("@langchain/openai"));
      return new ChatOpenAI({
        apiKey: required(env, "OPENAI_API_KEY", provider),
        model: required(env, "OPENAI_MODEL", provider),
        temperature: 0,
        maxRetries: 0,
        configuration: { fetch: fetchNamingEndpoint() },
      });
    }
    case "offline": {
      const policy = options.policy ?? (options.policies ?? offlinePolicies).get(options.agent);
      return new OfflinePolicyModel({ agent: options.agent, ...(policy ? { policy } : {}) });
    }
  }
}

/** A process-wide source of models that answers in place of any provider (an audit replay). */
let answering: ((agent: string) => BaseChatModel) | undefined;

/**
 * Makes every model created from now on come from `source`, until the returned function is
 * called: how `switchyard audit replay` puts the recorded answers in every agent's place without
 * the workflows knowing. One at a time in a process.
 *
 * @example
 * const restore = answerModelsWith((agent) => new RecordedAnswerModel(book, agent));
 * try { await runInProcessWith(triage, input, options); } finally { restore(); }
 */
export function answerModelsWith(source: (agent: string) => BaseChatModel): () => void {
  if (answering)
    throw new ConfigurationError("models are already answered from another source in this process");
  answering = source;
  return () => {
    if (answering === source) answering = undefined;
  };
}

async function loadProvider<T>(provider: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new ConfigurationError(
      `MODEL_PROVIDER=${provider}: its package is not in this build (${(err as Error).message}).`,
      {
        cause: err,
      },
    );
  }
}

function required(env: ModelEnv, name: keyof ModelEnv, provider: string): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`MODEL_PROVIDER=${provider} needs ${name}; it is not set.`);
  return value;
}

/** Which model answered, for logs, spans and reports; `offline` is true for the policy model. */
export interface ModelIdentity {
  readonly provider: string;
  readonly model: string;
  readonly offline: boolean;
}

/**
 * Names a model the way telemetry should (the GenAI `gen_ai.system` / `gen_ai.request.model`).
 *
 * @example
 * modelIdentity(createChatModel({}, { agent: "risk" })); // { provider: "offline", model: "switchyard-offline-policy", offline: true }
 */
export function modelIdentity(model: BaseChatModel): ModelIdentity {
  const params = model.getLsParams({});
  const provider = params.ls_provider ?? model._llmType();
  return { provider, model: params.ls_model_name ?? "unknown", offline: provider === OFFLINE_PROVIDER };
}
