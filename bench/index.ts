/**
 * `npm run bench -- <name> [args]` runs `bench/<name>.bench.ts`. Every benchmark prints its figures
 * as ratios against a baseline measured in the same run (never absolute targets in tests).
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const available = (await readdir(here))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(".bench.ts", ""));
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|") || "none yet"}> [args]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(pathToFileURL(`${here}${name}.bench.ts`).href)) as {
  default: (args: string[]) => Promise<void>;
};
await mod.default(args);
