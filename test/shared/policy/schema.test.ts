import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POLICY_SCHEMA_PATH, policySchemaText } from "../../../scripts/writePolicySchema";
import { knownGroupIds, policyJsonSchema, PolicySchema } from "../../../shared/policy";
import { supportedResourceTypes } from "../../../shared/azure/providers";
import { knownKeysAt } from "../../../shared/policy/schema";

describe("policy.schema.json", () => {
  it("is up to date with the zod schema (run `npx tsx scripts/writePolicySchema.ts` and commit)", () => {
    expect(readFileSync(POLICY_SCHEMA_PATH, "utf8")).toBe(policySchemaText());
  });

  it("describes the file as written: every key, no others, defaults shown", () => {
    const schema = policyJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; items?: { properties: Record<string, { properties?: Record<string, unknown> }>; required: string[] } }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(Object.keys(PolicySchema.shape));
    expect(schema.properties.defaultAction?.default).toBe("leavePending");
    const rule = schema.properties.rules?.items;
    expect(rule?.required).toEqual(["name", "action", "reason"]);
    expect(Object.keys(rule?.properties.match?.properties ?? {})).toEqual(knownKeysAt(["rules", 0, "match"]));
  });
});

describe("policy.schema.json enums", () => {
  it("lists the resource types the app decides and the group ids of the zone table, so editors complete them", () => {
    const text = readFileSync(POLICY_SCHEMA_PATH, "utf8");
    const schema = JSON.parse(text) as { properties: { rules: { items: { properties: { match: { properties: Record<string, { items?: { enum?: string[] } }> } } } } } };
    const match = schema.properties.rules.items.properties.match.properties;
    expect(match["targetResourceTypes"]?.items?.enum).toEqual(supportedResourceTypes());
    expect(match["targetResourceTypes"]?.items?.enum).toContain("Microsoft.Storage/storageAccounts");
    expect(match["groupIds"]?.items?.enum).toEqual(knownGroupIds());
    expect(match["groupIds"]?.items?.enum).toEqual(expect.arrayContaining(["amlworkspace", "blob", "vault", "batchAccount", "nodeManagement"]));
  });
});

describe("knownKeysAt", () => {
  it("knows the keys of every mapping in a policy, and nothing else", () => {
    expect(knownKeysAt([])).toEqual(["$schema", "defaultAction", "rules", "orphanedConnections"]);
    expect(knownKeysAt(["rules", 3])).toEqual(["name", "match", "action", "reason"]);
    expect(knownKeysAt(["rules", 0, "match", "not"])).not.toContain("not");
    expect(knownKeysAt(["rules", 0, "match", "targetTags"])).toBeUndefined();
  });
});
