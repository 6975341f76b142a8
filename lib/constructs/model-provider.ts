import { Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { OFFLINE_MODEL_NAME } from "#models";

/**
 * The model provider a deployment's agents use, from CDK context (`-c modelProvider=bedrock
 * -c bedrockModelId=…`; default the offline policy model). It decides three things at synth:
 * the agents' environment, which provider packages the Lambda bundles leave out (the models
 * module imports a provider only when chosen, so the others are dead weight at cold start), and
 * the Bedrock grant, scoped to the one model.
 *
 * @example
 * const model = modelProviderFromContext(stack);
 * new SwitchyardFunction(this, "Fn", { entry, environment: model.environment, externalModules: model.externalModules });
 */
export interface ModelProviderConfig {
  readonly provider: "offline" | "bedrock" | "ollama" | "openai";
  /** The model as the engine's metrics name it (`Model` dimension): what the model alarm watches. */
  readonly modelName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly externalModules: readonly string[];
  readonly bedrockModelId?: string;
  /** Secrets Manager secret holding the OpenAI API key (never the key itself). */
  readonly openaiApiKeySecretArn?: string;
}

/** Each provider's packages; whatever is not chosen stays out of the bundles. */
const PROVIDER_PACKAGES = {
  bedrock: ["@langchain/aws"],
  ollama: ["@langchain/ollama", "ollama"],
  openai: ["@langchain/openai", "openai"],
} as const;

/** The provider packages a bundle leaves out when its agents use `provider`. */
export function externalsFor(provider: ModelProviderConfig["provider"]): string[] {
  return Object.entries(PROVIDER_PACKAGES).flatMap(([name, pkgs]) => (name === provider ? [] : [...pkgs]));
}

/** The offline policy model: no provider packages in the bundles, no model grant. */
export const OFFLINE_MODEL: ModelProviderConfig = {
  provider: "offline",
  modelName: OFFLINE_MODEL_NAME,
  environment: { MODEL_PROVIDER: "offline" },
  externalModules: externalsFor("offline"),
};

export function modelProviderFromContext(scope: Construct): ModelProviderConfig {
  const context = (key: string) => scope.node.tryGetContext(key) as string | undefined;
  const provider = (context("modelProvider") ?? "offline") as ModelProviderConfig["provider"];
  if (!["offline", "bedrock", "ollama", "openai"].includes(provider)) {
    throw new Error(`-c modelProvider=${provider}: offline, bedrock, ollama or openai.`);
  }
  const externalModules = Object.entries(PROVIDER_PACKAGES).flatMap(([name, pkgs]) =>
    name === provider ? [] : pkgs,
  );
  const settings: Record<string, string | undefined> = {
    bedrock: context("bedrockModelId"),
    ollama: context("ollamaModel"),
    openai: context("openaiModel"),
  };
  const model = settings[provider];
  if (provider !== "offline" && !model) {
    throw new Error(
      `-c modelProvider=${provider} needs -c ${provider}Model${provider === "bedrock" ? "Id" : ""}=<model>.`,
    );
  }
  const environment: Record<string, string> = { MODEL_PROVIDER: provider };
  if (provider === "bedrock") environment.BEDROCK_MODEL_ID = model as string;
  if (provider === "ollama") {
    environment.OLLAMA_MODEL = model as string;
    environment.OLLAMA_BASE_URL = context("ollamaBaseUrl") ?? "";
  }
  let openaiApiKeySecretArn: string | undefined;
  if (provider === "openai") {
    environment.OPENAI_MODEL = model as string;
    openaiApiKeySecretArn = context("openaiApiKeySecretArn");
    if (!openaiApiKeySecretArn?.startsWith("arn:")) {
      throw new Error(
        "-c modelProvider=openai needs -c openaiApiKeySecretArn=<Secrets Manager ARN>: keys never go in the template.",
      );
    }
    environment.OPENAI_API_KEY_SECRET_ARN = openaiApiKeySecretArn;
  }
  return {
    provider,
    modelName: model ?? OFFLINE_MODEL_NAME,
    environment,
    externalModules,
    ...(provider === "bedrock" ? { bedrockModelId: model } : {}),
    ...(openaiApiKeySecretArn ? { openaiApiKeySecretArn } : {}),
  };
}

/**
 * Lets `fn` reach exactly the configured model: invoke the one Bedrock model, or read the one
 * secret holding the OpenAI key. Nothing for the offline model or Ollama.
 */
export function grantModelAccess(fn: IFunction, config: ModelProviderConfig): void {
  if (config.openaiApiKeySecretArn) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["secretsmanager:GetSecretValue"],
        resources: [config.openaiApiKeySecretArn],
      }),
    );
  }
  if (config.provider !== "bedrock" || !config.bedrockModelId) return;
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      resources: [
        stack.formatArn({
          service: "bedrock",
          account: "",
          resource: "foundation-model",
          resourceName: config.bedrockModelId,
        }),
      ],
    }),
  );
}
