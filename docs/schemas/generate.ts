/**
 * Writes the published schemas beside this file from the code's own zod schemas:
 * `npx tsx docs/schemas/generate.ts`. A test (test/unit/api-schemas.test.ts) fails when they drift.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { publishedSchemas } from "#api";
import { workflows } from "#workflows";

const here = import.meta.dirname;
for (const [name, text] of Object.entries(publishedSchemas(Object.values(workflows)))) {
  await writeFile(join(here, name), text);
  console.log(`wrote docs/schemas/${name}`);
}
