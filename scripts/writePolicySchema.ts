/**
 * @module Writes `policy.schema.json` (repo root) from the zod policy schema. Run after changing
 * `shared/policy/schema.ts`: `npx tsx scripts/writePolicySchema.ts` (or `npm run schema`), and commit the
 * result; a test fails while the committed file is out of date.
 */

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { policyJsonSchema } from "../shared/policy";

/** The committed file's path. */
export const POLICY_SCHEMA_PATH = resolve(__dirname, "..", "policy.schema.json");

/** The file's exact contents: pretty JSON with a final newline. */
export function policySchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

function main(): void {
  writeFileSync(POLICY_SCHEMA_PATH, policySchemaText());
  console.log(`wrote ${POLICY_SCHEMA_PATH}`);
}

if (require.main === module) main();
