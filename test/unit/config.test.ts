import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigurationError, checkpointTableName, ENV_VARIABLES, readEnv, resources } from "#config";

describe("readEnv", () => {
  it("applies defaults when nothing is set", () => {
    const env = readEnv({});

    expect(env.SWITCHYARD_STAGE).toBe("dev");
    expect(env.CHECKPOINT_TTL_DAYS).toBe(30);
    expect(checkpointTableName(env)).toBe("switchyard-dev-checkpoints");
  });

  it("treats blank variables as unset, as an empty line in .env would be", () => {
    expect(readEnv({ CHECKPOINT_TTL_DAYS: "", SWITCHYARD_STAGE: "" }).SWITCHYARD_STAGE).toBe("dev");
  });

  it("names every bad variable in one typed error", () => {
    const bad = () =>
      readEnv({ CHECKPOINT_TTL_DAYS: "-3", MODEL_PROVIDER: "gpt", SWITCHYARD_STAGE: "Prod!" });

    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(/CHECKPOINT_TTL_DAYS[\s\S]*MODEL_PROVIDER|MODEL_PROVIDER[\s\S]*CHECKPOINT_TTL_DAYS/);
    expect(bad).toThrow(/SWITCHYARD_STAGE/);
  });

  it("is listed whole in .env.example, and .env.example lists nothing unknown", () => {
    const listed = readFileSync(new URL("../../.env.example", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split("=")[0]);

    expect([...listed].sort()).toEqual([...ENV_VARIABLES].sort());
  });
});

describe("resources", () => {
  it("derives every name from the stage", () => {
    const r = resources("prod");

    expect(r.checkpointTable.name).toBe("switchyard-prod-checkpoints");
    expect(r.requestsQueue.deadLetter?.name).toBe("switchyard-prod-requests-dlq");
    expect(r.requestsQueue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * 30);
  });

  it("refuses a stage that cannot name AWS resources", () => {
    expect(() => resources("Prod_1")).toThrow(/Invalid stage/);
  });
});
