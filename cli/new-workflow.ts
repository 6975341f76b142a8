import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { SwitchyardError } from "#core";
import { namesOf, type WorkflowNames, workflowFiles } from "./workflow-template.ts";

/** The registry the scaffold adds a line to, and the guide it adds a line to (repository-relative). */
export const REGISTRY_FILE = "functions/workflows/registry.ts";
export const GUIDE_FILE = "docs/your-workflow.md";
/** The guide's list of scaffolded workflows ends at this line; new entries go just above it. */
export const GUIDE_MARKER = "<!-- new workflows above this line (switchyard new workflow) -->";

/**
 * The name rule of `defineWorkflow` (it names AWS resources), narrowed so that the name reads
 * as one identifier: lowercase words of letters and digits joined by single hyphens.
 */
const NAME = /^[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*$/;
const MAX_NAME_LENGTH = 40;
/** Words the exported constant may not be: JavaScript's reserved words and the registry's own names. */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if import in instanceof new null return super switch this throw true try " +
    "typeof var void while with yield let static implements interface package private protected public " +
    "await workflows getWorkflow"
  ).split(" "),
);

/** A name `new workflow` refuses (exit 2): malformed, or already a workflow, a folder or a binding. */
export class WorkflowNameError extends SwitchyardError {
  constructor(name: string, reason: string) {
    super("Scaffold.WorkflowName", `new workflow "${name}": ${reason}`);
  }
}

export interface NewWorkflowOptions {
  readonly name: string;
  /** The repository to scaffold into (default the working directory). */
  readonly root?: string;
  /** Names of the workflows already registered (the loaded registry's keys). */
  readonly taken?: readonly string[];
  readonly out: (text: string) => void;
}

/**
 * `switchyard new workflow <name>`: writes `functions/workflows/<name>/` (state, graph,
 * `defineWorkflow`, its unit test), registers it in {@link REGISTRY_FILE} and lists it in
 * {@link GUIDE_FILE}. Everything is checked before the first write, and a failed write removes
 * what was written, so the repository is left as it was or fully scaffolded.
 *
 * @example
 * await newWorkflowCommand({ name: "fx-fixings", out: console.log });
 * // then: npx vitest run functions/workflows/fx-fixings && npm run switchyard -- run fx-fixings
 */
export async function newWorkflowCommand(options: NewWorkflowOptions): Promise<number> {
  const root = options.root ?? process.cwd();
  const names = checkName(options.name, options.taken ?? []);
  const folder = join("functions/workflows", names.name);
  if (existsSync(join(root, folder))) throw new WorkflowNameError(names.name, `${folder} already exists`);

  const registry = await readFile(join(root, REGISTRY_FILE), "utf8");
  const guide = await readFile(join(root, GUIDE_FILE), "utf8");
  const newRegistry = register(registry, names);
  const newGuide = listInGuide(guide, names);
  const files = Object.entries(workflowFiles(names)).map(
    ([file, text]) => [join(folder, file), text] as const,
  );

  try {
    await mkdir(join(root, folder), { recursive: true });
    for (const [file, text] of files) await writeFile(join(root, file), text, { flag: "wx" });
    await writeFile(join(root, REGISTRY_FILE), newRegistry);
    await writeFile(join(root, GUIDE_FILE), newGuide);
    await formatWithBiome(root, [...files.map(([file]) => file), REGISTRY_FILE]);
  } catch (err) {
    await rm(join(root, folder), { recursive: true, force: true });
    await writeFile(join(root, REGISTRY_FILE), registry);
    await writeFile(join(root, GUIDE_FILE), guide);
    throw err;
  }

  options.out(
    [
      `Workflow "${names.name}" written:`,
      ...files.map(([file]) => `  ${file}`),
      `  ${REGISTRY_FILE} (registered)`,
      `  ${GUIDE_FILE} (listed)`,
      "Next:",
      `  npx vitest run ${folder}/${names.name}.test.ts`,
      `  npm run switchyard -- run ${names.name}`,
      "  npm run synth",
    ].join("\n"),
  );
  return 0;
}

/** The name's spellings, or a {@link WorkflowNameError} saying what is wrong with it. */
export function checkName(name: string, taken: readonly string[]): WorkflowNames {
  if (!NAME.test(name) || name.length < 2 || name.length > MAX_NAME_LENGTH) {
    throw new WorkflowNameError(
      name,
      `a name is 2–${MAX_NAME_LENGTH} characters: lowercase words (a letter, then letters or digits) joined by single hyphens, e.g. fx-fixings`,
    );
  }
  if (taken.includes(name))
    throw new WorkflowNameError(name, "a workflow of that name is already registered");
  const names = namesOf(name);
  if (RESERVED.has(names.ident)) throw new WorkflowNameError(name, `${names.ident} is a reserved word`);
  return names;
}

/**
 * The registry with the workflow's line, last in `WORKFLOW_MODULES`: its name and the `import()`
 * of its module. Refuses a name already registered there.
 */
export function register(registry: string, n: WorkflowNames): string {
  if (registry.includes(`"./${n.name}/index.ts"`) || new RegExp(`^\\s*"?${n.name}"?:`, "m").test(registry)) {
    throw new WorkflowNameError(n.name, `${n.name} is already registered in ${REGISTRY_FILE}`);
  }
  const lines = registry.split("\n");
  const open = lines.findIndex((line) => /^export const WORKFLOW_MODULES\b.*= \{$/.test(line));
  const close = lines.findIndex((line, i) => i > open && line === "};");
  if (open < 0 || close < 0) {
    throw new Error(`${REGISTRY_FILE} no longer has the shape new workflow edits (WORKFLOW_MODULES = {…})`);
  }
  lines.splice(
    close,
    0,
    `  ${JSON.stringify(n.name)}: () => import("./${n.name}/index.ts").then((m) => m.${n.ident}),`,
  );
  return lines.join("\n");
}

/** The guide with one line for the workflow, just above {@link GUIDE_MARKER}. */
export function listInGuide(guide: string, n: WorkflowNames): string {
  if (!guide.includes(GUIDE_MARKER)) throw new Error(`${GUIDE_FILE} has lost its line "${GUIDE_MARKER}"`);
  const line =
    `- \`${n.name}\`: \`functions/workflows/${n.name}/\` (graph, state, \`defineWorkflow\`), ` +
    `its test \`${n.name}.test.ts\` beside it`;
  return guide.replace(GUIDE_MARKER, `${line}\n${GUIDE_MARKER}`);
}

/**
 * Formats the written files as `npm run check` expects (line width, import order), with the
 * repository's own Biome and biome.json: the templates cannot know how long a name makes a line.
 */
async function formatWithBiome(root: string, files: readonly string[]): Promise<void> {
  const biome = createRequire(join(root, "package.json")).resolve("@biomejs/biome/bin/biome");
  await promisify(execFile)(process.execPath, [biome, "check", "--write", ...files], { cwd: root });
}
