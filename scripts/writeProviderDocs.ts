/**
 * @module Writes docs/policy.md's table of supported resource types from the provider registry
 * (`shared/azure/providers`: api-version, connection update, whether the emulator serves the type) and
 * the zone table (`shared/dns/zones`: each group id's private DNS zones), between the `known-types`
 * marker comments. Run after changing either: `npm run docs:types`, and commit the result; a test fails
 * while the committed table is out of date.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { LINK_PROVIDERS } from "../shared/azure/providers";
import { SERVICE_ZONES } from "../shared/dns/zones";

/** The document that holds the table. */
export const PROVIDER_DOC_PATH = resolve(__dirname, "..", "docs", "policy.md");

const START = "<!-- known-types:start (written by `npm run docs:types` from shared/azure/providers.ts and shared/dns/zones.ts) -->";
const END = "<!-- known-types:end -->";

const code = (text: string): string => `\`${text}\``;

/** One cell: each row of the zone table for the type, `group ids: zones`, a line each. */
function zonesCell(resourceType: string): string {
  const type = resourceType.toLowerCase();
  return SERVICE_ZONES.filter((s) => s.resourceType.toLowerCase() === type)
    .map((s) => `${s.groupIds.map(code).join(", ")}: ${[...new Set(s.rules.map((r) => (r.legacy ? `${code(r.zone)} (legacy)` : code(r.zone))))].join(", ")}`)
    .join("<br>");
}

/** The table, markers included. */
export function providerTable(): string {
  const rows = LINK_PROVIDERS.map((p) =>
    [code(p.resourceType), code(p.apiVersion), p.updateMethod, zonesCell(p.resourceType), p.emulated ? "yes" : "no: checked against the REST specs only"].join(" | "),
  );
  return [START, "| resource type | api-version | connection update | group ids: private DNS zones | run end to end (ARM emulator) |", "| --- | --- | --- | --- | --- |", ...rows.map((r) => `| ${r} |`), END].join("\n");
}

/** `doc` with the text between the markers replaced by the current table. */
export function withProviderTable(doc: string): string {
  const start = doc.indexOf("<!-- known-types:start");
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new RangeError(`docs/policy.md has no known-types markers; expected a line starting "<!-- known-types:start" and a line "${END}"`);
  return `${doc.slice(0, start)}${providerTable()}${doc.slice(end + END.length)}`;
}

function main(): void {
  writeFileSync(PROVIDER_DOC_PATH, withProviderTable(readFileSync(PROVIDER_DOC_PATH, "utf8")));
  console.log(`wrote the known-types table of ${PROVIDER_DOC_PATH}`);
}

if (require.main === module) main();
