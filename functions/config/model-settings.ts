import { ConfigurationError, type Env } from "./env.ts";

type Provider = NonNullable<Env["MODEL_PROVIDER"]>;

/**
 * What each model provider needs before anything runs: per provider, the settings it reads,
 * each a list of variables any one of which will do (an OpenAI key as itself or as the secret
 * that holds it). `createChatModel` (`functions/models/create.ts`) reads exactly these.
 */
export const MODEL_SETTINGS: Readonly<Record<Provider, readonly (readonly (keyof Env)[])[]>> = {
  offline: [],
  bedrock: [["BEDROCK_MODEL_ID"]],
  ollama: [["OLLAMA_BASE_URL"], ["OLLAMA_MODEL"]],
  openai: [["OPENAI_API_KEY", "OPENAI_API_KEY_SECRET_ARN"], ["OPENAI_MODEL"]],
};

/**
 * The settings the chosen provider needs and `env` lacks, each named as the user sets it
 * (`OPENAI_API_KEY (or OPENAI_API_KEY_SECRET_ARN)`); empty for the offline model.
 *
 * @example
 * missingModelSettings({ MODEL_PROVIDER: "ollama", OLLAMA_BASE_URL: "http://127.0.0.1:11434" }); // ["OLLAMA_MODEL"]
 */
export function missingModelSettings(env: Partial<Env>): string[] {
  const needs = MODEL_SETTINGS[env.MODEL_PROVIDER ?? "offline"];
  return needs
    .filter((anyOf) => anyOf.every((name) => !env[name]))
    .map(([first, ...others]) => (others.length > 0 ? `${first} (or ${others.join(", ")})` : String(first)));
}

/**
 * Refuses a model configuration that could only fail at a run's first agent: called by the CLI
 * before a command that runs agents and by the local server before it listens, so the answer is
 * exit 2 (or no server) naming every missing setting, not a run that fails later.
 *
 * @throws ConfigurationError `MODEL_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_API_KEY_SECRET_ARN); it is not set.`
 * @example
 * checkModelSettings(readEnv()); // passes for the offline default
 */
export function checkModelSettings(env: Partial<Env>): void {
  const missing = missingModelSettings(env);
  if (missing.length === 0) return;
  throw new ConfigurationError(
    `MODEL_PROVIDER=${env.MODEL_PROVIDER} needs ${missing.join(" and ")}; ${missing.length > 1 ? "they are" : "it is"} not set.`,
  );
}
