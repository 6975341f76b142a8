import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, modelEnv, resolveSecret } from "#config";

/**
 * Secrets in AWS come from Secrets Manager (Powertools parameters), never from a Lambda's
 * environment; locally the variable wins. Each test names its own secret: Powertools caches
 * values per name for the process.
 */
const sm = mockClient(SecretsManagerClient);
afterAll(() => sm.restore());
const arn = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:123456789012:secret:switchyard/${name}-AbCdEf`;

beforeEach(() => {
  sm.reset();
  process.env.AWS_REGION ??= "us-east-1";
});
afterEach(() => {
  sm.reset();
});

describe("resolveSecret", () => {
  it("prefers the variable and never calls Secrets Manager for it", async () => {
    const value = await resolveSecret("from-dotenv", arn("unused"));

    expect(value).toBe("from-dotenv");
    expect(sm.calls()).toHaveLength(0);
  });

  it("reads the secret the ARN names when the variable is unset, once per cache window", async () => {
    sm.on(GetSecretValueCommand, { SecretId: arn("openai-a") }).resolves({ SecretString: " key-value-a \n" });

    const first = await resolveSecret(undefined, arn("openai-a"));
    const second = await resolveSecret(undefined, arn("openai-a"));

    expect(first).toBe("key-value-a");
    expect(second).toBe("key-value-a");
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("is undefined when neither is set", async () => {
    expect(await resolveSecret(undefined, undefined)).toBeUndefined();
    expect(sm.calls()).toHaveLength(0);
  });

  it("fails with a ConfigurationError naming the ARN, not the value, when the secret cannot be read", async () => {
    sm.on(GetSecretValueCommand, { SecretId: arn("denied") }).rejects(
      Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
    );
    sm.on(GetSecretValueCommand, { SecretId: arn("blank") }).resolves({ SecretString: "   " });

    const denied = resolveSecret(undefined, arn("denied"));
    const blank = resolveSecret(undefined, arn("blank"));

    await expect(denied).rejects.toBeInstanceOf(ConfigurationError);
    await expect(denied).rejects.toThrow(arn("denied"));
    await expect(blank).rejects.toThrow(/holds no string value/);
  });
});

describe("modelEnv", () => {
  it("resolves OPENAI_API_KEY from its secret for the openai provider only", async () => {
    sm.on(GetSecretValueCommand, { SecretId: arn("openai-b") }).resolves({ SecretString: "key-value-b" });
    const source = { OPENAI_API_KEY_SECRET_ARN: arn("openai-b"), OPENAI_MODEL: "gpt-4o-mini" };

    const offline = await modelEnv(source);
    const openai = await modelEnv({ ...source, MODEL_PROVIDER: "openai" });

    expect(offline.OPENAI_API_KEY).toBeUndefined();
    expect(openai.OPENAI_API_KEY).toBe("key-value-b");
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("refuses a secret ARN that is not a Secrets Manager ARN", async () => {
    await expect(
      modelEnv({ OPENAI_API_KEY_SECRET_ARN: "arn:aws:ssm:us-east-1:123456789012:parameter/x" }),
    ).rejects.toThrow(/OPENAI_API_KEY_SECRET_ARN/);
  });
});
