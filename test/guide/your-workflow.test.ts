import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * docs/your-workflow.md, followed literally: every command of its `sh` blocks (the offline
 * ones; `sh aws` blocks need an account), in order, in a fresh copy of the repository (its
 * tracked and unignored files, a git repository of its own, this checkout's node_modules), so
 * nothing it writes lands in the repository, whatever fails. Each command has its check below;
 * a command the guide adds without one fails the test.
 */
const ROOT = join(import.meta.dirname, "../..");
const GUIDE = readFileSync(join(ROOT, "docs/your-workflow.md"), "utf8");

/** The commands of the guide's `sh` blocks, in order (comment lines and trailing `# …` dropped). */
function guideCommands(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? "")
      .split("\n")
      .map((line) => line.replace(/\s+#\s.*$/, "").trim())
      .filter((line) => line !== "" && !line.startsWith("#")),
  );
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let copy: string;

/** One command as a user types it, in the copy: bash, the copy's npm scripts, no colours. */
function sh(command: string, cwd = copy): Promise<Ran> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|npm_|NODE_OPTIONS$|TEST$)/.test(key)),
  );
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-c", command],
      { cwd, env: { ...env, NO_COLOR: "1", FORCE_COLOR: "0" }, maxBuffer: 64 << 20, timeout: 300_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const read = (file: string) => readFile(join(copy, file), "utf8");

/** What each command of the guide must do. */
const CHECKS: Record<string, (ran: Ran) => Promise<void> | void> = {
  "npm run switchyard -- new workflow fx-fixings": async ({ stdout }) => {
    expect(stdout).toContain('Workflow "fx-fixings" written:');
    for (const file of ["state.ts", "graph.ts", "index.ts", "fx-fixings.test.ts"]) {
      expect(existsSync(join(copy, "functions/workflows/fx-fixings", file)), file).toBe(true);
    }
    expect(await read("functions/workflows/index.ts")).toContain("[fxFixings.name]: fxFixings,");
    expect(await read("docs/your-workflow.md")).toContain(
      "- `fx-fixings`: `functions/workflows/fx-fixings/`",
    );
  },
  "npx vitest run functions/workflows/fx-fixings/fx-fixings.test.ts": ({ stdout }) => {
    expect(stdout).toMatch(/Tests\s+6 passed \(6\)/);
  },
  "git add functions/workflows/fx-fixings functions/workflows/index.ts docs/your-workflow.md": () => {
    const staged = execFileSync("git", ["diff", "--cached", "--name-only"], { cwd: copy, encoding: "utf8" });
    expect(staged.trim().split("\n").sort()).toEqual([
      "docs/your-workflow.md",
      "functions/workflows/fx-fixings/fx-fixings.test.ts",
      "functions/workflows/fx-fixings/graph.ts",
      "functions/workflows/fx-fixings/index.ts",
      "functions/workflows/fx-fixings/state.ts",
      "functions/workflows/index.ts",
    ]);
  },
  // Lint, links and types: their exit code (checked for every command) is the whole verdict.
  "npm run check": () => {},
  "npm run typecheck": () => {},
  'echo \'{"topic":"EUR/USD fixings","revisions":1}\' > fx-fixings-input.json': async () => {
    expect(JSON.parse(await read("fx-fixings-input.json"))).toEqual({
      topic: "EUR/USD fixings",
      revisions: 1,
    });
  },
  "npm run switchyard -- run fx-fixings --input fx-fixings-input.json": ({ stdout, stderr }) => {
    expect(stderr).toContain("mode: Step Functions (local), per-node hosting");
    expect(stderr).toMatch(/step 0: running draft\n\s+step 1: running review\n\s+step 2: running draft/);
    expect(stdout).toContain("fx-fixings: approved after 2 draft(s) on EUR/USD fixings");
    expect(stdout).toMatch(/supersteps\s+4\n/);
    const report = stdout.match(/report\s+(\S+\.html)/)?.[1] ?? "";
    expect(existsSync(join(copy, report)), report).toBe(true);
  },
  "npm run switchyard -- run fx-fixings --input fx-fixings-input.json --in-process --json": ({ stdout }) => {
    const json = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
      status: string;
      summary: { figures: Record<string, unknown> };
    };
    expect(json.status).toBe("succeeded");
    expect(json.summary.figures).toEqual({ drafts: 2, approved: "yes" });
  },
  "npm run synth -- switchyard-dev-workflow-fx-fixings": () => {
    expect(existsSync(join(copy, "cdk.out/switchyard-dev-workflow-fx-fixings.template.json"))).toBe(true);
  },
  'grep -c \'"StateMachineName": "switchyard-dev-fx-fixings"\' cdk.out/switchyard-dev-workflow-fx-fixings.template.json':
    ({ stdout }) => {
      expect(stdout.trim()).toBe("1");
    },
  'grep -c \'"Type": "AWS::CloudWatch::CompositeAlarm"\' cdk.out/switchyard-dev-workflow-fx-fixings.template.json':
    ({ stdout }) => {
      expect(stdout.trim()).toBe("2");
    },
  "npm run build": async () => {
    // What a user of the package gets: plain Node (no tsx, no source condition) imports each face from dist/.
    const user = await mkdtemp(join(tmpdir(), "switchyard-user-"));
    try {
      await mkdir(join(user, "node_modules"));
      await symlink(copy, join(user, "node_modules/switchyard"));
      await writeFile(
        join(user, "faces.mjs"),
        'for (const f of ["engine", "local", "checkpoint", "cdk", "lambda"]) console.log(f, Object.keys(await import("switchyard/" + f)).length);\n',
      );
      const faces = execFileSync(process.execPath, ["faces.mjs"], { cwd: user, encoding: "utf8" });
      expect(
        faces
          .trim()
          .split("\n")
          .map((line) => line.split(" ")[0]),
      ).toEqual(["engine", "local", "checkpoint", "cdk", "lambda"]);
      expect(existsSync(join(copy, "dist/types/lib/index.d.ts"))).toBe(true);
    } finally {
      await rm(user, { recursive: true, force: true });
    }
  },
  // The app imports the built faces (plain tsx: no source condition), and its handlers are bundled from them.
  'npx cdk synth --app "npx tsx test/fixtures/cdk-app/app.ts" --output cdk.out/desk --quiet': async () => {
    const out = join(copy, "cdk.out/desk");
    const bundles = readdirSync(out)
      .filter((entry) => entry.startsWith("asset."))
      .map((asset) => readFileSync(join(out, asset, "index.mjs"), "utf8"));
    expect(bundles.length).toBe(3); // start, commit, and the node function both nodes share
    for (const bundle of bundles) {
      expect(bundle).toContain("ssi-check");
      // A message of the local Step Functions interpreter (switchyard/engine's runner), not in a Lambda.
      expect(bundle).not.toContain("Execution failed because of a Fail state");
    }
  },
  'grep -c \'"StateMachineName": "switchyard-desk-ssi-check"\' cdk.out/desk/switchyard-desk-workflow-ssi-check.template.json':
    ({ stdout }) => {
      expect(stdout.trim()).toBe("1");
    },
  "npm pack --dry-run": ({ stdout, stderr }) => {
    const listed = `${stdout}\n${stderr}`;
    for (const file of [
      "dist/lib/index.js",
      "dist/types/lib/index.d.ts",
      "dist/local/engine.js",
      "package.json",
    ]) {
      expect(listed).toContain(file);
    }
    expect(listed).not.toMatch(/\s(functions|lib|local|test|bin|scripts)\/\S+\.ts\b/);
    expect(listed).toMatch(/switchyard-0\.1\.0\.tgz/);
  },
};

const commands = guideCommands(GUIDE);

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), "switchyard-guide-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file !== "" && file !== "node_modules" && existsSync(join(ROOT, file)));
  for (const file of files) {
    await mkdir(join(copy, dirname(file)), { recursive: true });
    await copyFile(join(ROOT, file), join(copy, file));
  }
  await symlink(join(ROOT, "node_modules"), join(copy, "node_modules"));
  const git = ["-c", "user.name=guide", "-c", "user.email=guide@example.com"];
  execFileSync("git", ["init", "-q"], { cwd: copy });
  execFileSync("git", ["add", "-A"], { cwd: copy });
  execFileSync("git", [...git, "commit", "-q", "-m", "clone"], { cwd: copy });
}, 120_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe("docs/your-workflow.md, command by command", () => {
  it("has a check for every command it gives, and a command for every check", () => {
    expect(commands).toEqual(Object.keys(CHECKS));
  });

  for (const command of commands) {
    it(command, async () => {
      const ran = await sh(command);

      expect(ran.code, `${command}\n${ran.stdout}\n${ran.stderr}`).toBe(0);
      await CHECKS[command]?.(ran);
    }, 300_000);
  }

  it("refuses a taken or malformed name with exit code 2, writing nothing", async () => {
    const status = () =>
      execFileSync("git", ["status", "--porcelain", "--", "functions", "docs"], {
        cwd: copy,
        encoding: "utf8",
      });
    const before = status();
    for (const name of ["fx-fixings", "triage", "Fx_Fixings"]) {
      const ran = await sh(`npm run switchyard -- new workflow ${name}`);

      expect(ran.code, name).toBe(2);
      expect(ran.stderr).toMatch(new RegExp(`new workflow "${name}": `));
    }
    expect(status()).toBe(before);
  }, 120_000);
});
