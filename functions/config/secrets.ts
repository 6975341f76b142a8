import { ConfigurationError, type Env, readEnv } from "./env.ts";

/** How long a fetched secret is reused (Powertools' cache): a rotation is seen within 5 minutes. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * A secret's value: the environment variable when set (local runs, `.env`), else the Secrets
 * Manager secret the ARN names (AWS, where no secret sits in a Lambda's environment), else
 * undefined. Fetched through Powertools parameters, cached for 5 minutes; the client loads
 * only when a secret is actually read, so a Lambda that needs none never pays for it.
 *
 * @throws ConfigurationError when the secret cannot be read or is not a non-empty string
 *   (the message names the ARN, never the value).
 * @example
 * const key = await resolveSecret(env.OPENAI_API_KEY, env.OPENAI_API_KEY_SECRET_ARN);
 */
export async function resolveSecret(
  envValue: string | undefined,
  secretArn: string | undefined,
): Promise<string | undefined> {
  if (envValue) return envValue;
  if (!secretArn) return undefined;
  const { getSecret } = await import("@aws-lambda-powertools/parameters/secrets");
  let value: unknown;
  try {
    value = await getSecret(secretArn, { maxAge: SECRET_MAX_AGE_SECONDS });
  } catch (err) {
    throw new ConfigurationError(`Cannot read secret ${secretArn}.`, { cause: err });
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigurationError(`Secret ${secretArn} holds no string value.`);
  }
  return value.trim();
}

/**
 * The environment a model is built from, with `OPENAI_API_KEY` resolved from its secret when
 * OpenAI is the chosen provider (and only then: an offline run reads no secret). Pass the result
 * to `createChatModel`.
 *
 * @example
 * const model = modelEnv().then((env) => createChatModel(env, { agent: "triage.classifier" }));
 */
export async function modelEnv(source: Record<string, string | undefined> = process.env): Promise<Env> {
  const env = readEnv(source);
  if (env.MODEL_PROVIDER !== "openai") return env;
  const key = await resolveSecret(env.OPENAI_API_KEY, env.OPENAI_API_KEY_SECRET_ARN);
  return key ? { ...env, OPENAI_API_KEY: key } : env;
}
