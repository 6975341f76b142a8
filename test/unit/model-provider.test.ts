import { readFileSync } from "node:fs";
import { App, type Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { modelProviderFromContext } from "../../lib/constructs/model-provider.ts";
import { defineSwitchyard } from "../../lib/switchyard-app.ts";
import { approvalWorkflow } from "../fixtures/graphs.ts";

/** The agents' model provider is chosen at synth: environment, bundle externals, Bedrock grant. */
const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
  context: Record<string, unknown>;
};

function appWith(context: Record<string, string>) {
  return new App({ context: { ...cdkJson.context, stage: "model", ...context } });
}

describe("modelProviderFromContext", () => {
  it("defaults to the offline policy model and leaves every provider package out of the bundles", () => {
    const config = modelProviderFromContext(appWith({}));

    expect(config.environment).toEqual({ MODEL_PROVIDER: "offline" });
    expect([...config.externalModules].sort()).toEqual([
      "@langchain/aws",
      "@langchain/ollama",
      "@langchain/openai",
      "ollama",
      "openai",
    ]);
  });

  it("keeps the chosen provider's package and names its model", () => {
    const config = modelProviderFromContext(
      appWith({ modelProvider: "bedrock", bedrockModelId: "anthropic.claude-x" }),
    );

    expect(config.environment).toEqual({ MODEL_PROVIDER: "bedrock", BEDROCK_MODEL_ID: "anthropic.claude-x" });
    expect(config.externalModules).not.toContain("@langchain/aws");
    expect(config.externalModules).toContain("openai");
  });

  it("takes the OpenAI key from a secret the Lambdas may read, never from the template", () => {
    const config = modelProviderFromContext(
      appWith({
        modelProvider: "openai",
        openaiModel: "gpt-5-mini",
        openaiApiKeySecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:openai-key",
      }),
    );

    expect(config.environment).toEqual({
      MODEL_PROVIDER: "openai",
      OPENAI_MODEL: "gpt-5-mini",
      OPENAI_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:openai-key",
    });
    expect(() =>
      modelProviderFromContext(appWith({ modelProvider: "openai", openaiModel: "gpt-5-mini" })),
    ).toThrow(/openaiApiKeySecretArn/);
  });

  it("refuses an unknown provider or a provider without its model", () => {
    expect(() => modelProviderFromContext(appWith({ modelProvider: "gpt" }))).toThrow(
      /offline, bedrock, ollama or openai/,
    );
    expect(() => modelProviderFromContext(appWith({ modelProvider: "openai" }))).toThrow(/openaiModel/);
  });

  it("gives each agent Lambda the provider's settings and Bedrock access to that one model only", () => {
    const app = appWith({ modelProvider: "bedrock", bedrockModelId: "anthropic.claude-x" });
    const workflow = approvalWorkflow();
    const stacks = defineSwitchyard(app, {
      workflows: { [workflow.name]: workflow },
      entryFor: () => "functions/handlers/health.ts",
    });
    const template = Template.fromStack(stacks.workflows[workflow.name] as Stack);

    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ MODEL_PROVIDER: "bedrock", BEDROCK_MODEL_ID: "anthropic.claude-x" }),
      },
    });
    const statements = Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
    );
    const bedrock = statements.filter((s) => JSON.stringify(s.Action).includes("bedrock:"));

    expect(bedrock.length).toBeGreaterThan(0);
    for (const statement of bedrock) {
      expect(statement.Action).toEqual(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]);
      expect(JSON.stringify(statement.Resource)).toMatch(/foundation-model\/anthropic\.claude-x"/);
    }
  });
});
