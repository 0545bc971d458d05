/**
 * @module The policy file's schema (zod 4): which Pending connections to approve, reject or leave for
 * humans. The schema is the single source of truth for the loader's validation, the `Policy` types and the
 * committed `policy.schema.json` (see `scripts/writePolicySchema.ts`). Semantics live in `decide.ts` and
 * `docs/policy.md`.
 */

import { z } from "zod";
import { supportedResourceTypes } from "../azure/providers";
import { SERVICE_ZONES } from "../dns/zones";
import { isResourceId } from "../resourceId";
import { closest, didYouMean } from "./closest";
import { globProblem } from "./glob";
import { compileRequestMessagePattern } from "./requestMessagePattern";

export const POLICY_ACTIONS = ["approve", "reject", "leavePending"] as const;

/** What a sweep does with an orphaned connection (Disconnected, or its endpoint gone): list it, or also delete it. */
export const ORPHANED_CONNECTION_ACTIONS = ["report", "remove"] as const;

/** The name `decide` reports when no rule matched; no rule may take it. */
export const DEFAULT_RULE_NAME = "default";

// Spelled out in both cases (no i flag) so that policy.schema.json's pattern means the same.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Rule names go into the connection's description, whose length is limited: keep them short identifiers.
const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;

/** A short rendering of a value for messages, with a hint for YAML scalars that should have been quoted. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case "number":
    case "boolean":
      return `${String(value)} (quote it to make it a string)`;
    case "object":
      return "a mapping";
    default:
      return `a ${typeof value}`;
  }
}

/** zod error options that say what was expected and what was found. */
function expecting(what: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${showValue(issue.input)}`),
  };
}

/**
 * The resource types a rule may name: those the app reads and decides (the provider registry,
 * `shared/azure/providers`), spelt as there.
 */
export const KNOWN_RESOURCE_TYPES = supportedResourceTypes() as [string, ...string[]];

/** The group ids Azure publishes private DNS zones for, per known resource type (the zone table, `shared/dns/zones`). */
export function knownGroupIds(resourceType?: string): string[] {
  const types = resourceType === undefined ? KNOWN_RESOURCE_TYPES.map((t) => t.toLowerCase()) : [resourceType.toLowerCase()];
  return [...new Set(SERVICE_ZONES.filter((s) => types.includes(s.resourceType.toLowerCase())).flatMap((s) => s.groupIds))];
}

const KNOWN_GROUP_IDS = knownGroupIds() as [string, ...string[]];

/** Why RE2 cannot take `pattern` for `requestMessage`, or `undefined` when it can. */
export function regexProblem(pattern: string): string | undefined {
  const { problem } = compileRequestMessagePattern(pattern);
  return problem === undefined ? undefined : `${problem} (RE2 syntax: no lookaround, backreferences or possessive quantifiers)`;
}

/** For "not empty" checks: a mapping that held only unknown keys is reported for those, not as empty. */
function noIssuesYet(payload: { issues: readonly unknown[] }): boolean {
  return payload.issues.length === 0;
}

function list<T extends z.ZodType>(item: T, what: string, description: string) {
  return z
    .array(item, expecting(`a non-empty array of ${what}`))
    .min(1, expecting(`a non-empty array of ${what}`))
    .optional()
    .meta({ description });
}

const text = (what: string) => z.string(expecting(what)).min(1, expecting(what));
const glob = text("a glob pattern (* and ? wildcards)").refine((pattern) => globProblem(pattern) === undefined, {
  error: (issue: { input?: unknown }) => `${globProblem(String(issue.input))}, got ${showValue(issue.input)}`,
});

/** An enum of known names whose error names the nearest known ones. */
function known(names: [string, ...string[]], what: string) {
  return z.enum(names, {
    error: (issue: { input?: unknown }) => {
      if (typeof issue.input !== "string") return issue.input === undefined ? `missing; expected a ${what}` : `expected a ${what}, got ${showValue(issue.input)}`;
      const near = closest(issue.input, names, 3);
      return `unknown ${what} ${showValue(issue.input)}; ${near.length > 0 ? `nearest known: ${near.join(", ")}` : `expected one of ${names.join(", ")}`}`;
    },
  });
}

const criteriaShape = {
  targetResourceTypes: list(
    known(KNOWN_RESOURCE_TYPES, "resource type"),
    "resource types",
    "The target PaaS resource's type is one of these, e.g. Microsoft.Batch/batchAccounts (the types the app decides).",
  ),
  groupIds: list(
    known(KNOWN_GROUP_IDS, "group id"),
    "group ids",
    "Every sub-resource (groupId) the connection requests is one of these. Read from the connection, or from the private endpoint when the resource side carries none; when neither can be read the criterion is unknown and the rule does not match.",
  ),
  endpointSubscriptions: list(
    z.string(expecting("a subscription id (a GUID)")).regex(GUID, expecting("a subscription id (a GUID)")),
    "subscription ids",
    "The private endpoint lives in one of these subscriptions. A cross-tenant endpoint is in a subscription you do not list.",
  ),
  endpointResourceGroups: list(glob, "glob patterns", "The private endpoint's resource group matches one of these globs (case-insensitive)."),
  endpointNames: list(glob, "glob patterns", "The private endpoint's name matches one of these globs (case-insensitive)."),
  targetResourceIds: list(
    z.string(expecting("an ARM resource id")).refine(isResourceId, expecting("an ARM resource id")),
    "ARM resource ids",
    "The target PaaS resource is one of these (exact ids, case-insensitive).",
  ),
  targetResourceGroups: list(glob, "glob patterns", "The target PaaS resource's resource group matches one of these globs (case-insensitive)."),
  targetTags: z
    .record(
      z.string(),
      z.string(expecting('a tag value ("*" for any value)')),
      expecting("a mapping of tag names to values"),
    )
    .refine((tags) => Object.keys(tags).length > 0, { error: "expected at least one tag, got an empty mapping", when: noIssuesYet })
    .optional()
    .meta({ minProperties: 1, description: 'Every listed tag is on the target resource (names case-insensitive) with exactly this value; "*" means any value.' }),
  requestMessage: z
    .string(expecting("a regular expression"))
    .optional()
    .meta({ description: "The request message (the connection's description while Pending, first 140 characters) matches this RE2 regular expression (unanchored, case-sensitive)." }),
};

function strictMapping<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, expecting(what));
}

/** A set of criteria; all given ones must hold. */
export const CriteriaSchema = strictMapping(criteriaShape, "a mapping of match criteria");

export const MatchSchema = strictMapping(
  {
    ...criteriaShape,
    not: CriteriaSchema.refine((criteria) => Object.keys(criteria).length > 0, { error: "expected at least one criterion, got an empty mapping", when: noIssuesYet })
      .optional()
      .meta({ description: "The rule matches only when these criteria (all of them together) do NOT hold.", minProperties: 1 }),
  },
  "a mapping of match criteria",
).meta({ description: "All given criteria must hold (AND); within a list, any entry may match (OR). Empty: matches every connection." });

/**
 * Checks across one rule's fields: each group id belongs to a resource type the rule names, and the
 * `requestMessage` pattern compiles on RE2 (named with the rule, as the pattern may be long).
 */
function checkRule(rule: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isMapping(rule) || !isMapping(rule["match"])) return;
  const match = rule["match"];
  const name = typeof rule["name"] === "string" ? `rule ${JSON.stringify(rule["name"])}: ` : "";
  const types = Array.isArray(match["targetResourceTypes"]) ? match["targetResourceTypes"].filter((t): t is string => KNOWN_RESOURCE_TYPES.includes(t as string)) : [];
  for (const [path, criteria] of [[["match"], match], [["match", "not"], match["not"]]] as const) {
    if (!isMapping(criteria)) continue;
    const groupIds = criteria["groupIds"];
    if (types.length > 0 && Array.isArray(groupIds)) {
      const allowed = types.flatMap((t) => knownGroupIds(t));
      groupIds.forEach((groupId, index) => {
        if (typeof groupId !== "string" || !KNOWN_GROUP_IDS.includes(groupId) || allowed.includes(groupId)) return;
        const hint = didYouMean(groupId, allowed);
        ctx.addIssue({ code: "custom", path: [...path, "groupIds", index], input: groupId, message: `${JSON.stringify(groupId)} is not a group id of ${types.join(" or ")}${hint}; expected one of ${allowed.join(", ")}` });
      });
    }
    const pattern = criteria["requestMessage"];
    const problem = typeof pattern === "string" ? regexProblem(pattern) : undefined;
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: [...path, "requestMessage"], input: pattern, message: `${name}expected a regular expression RE2 can run, got ${showValue(pattern)}: ${problem}` });
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const RuleSchema = strictMapping(
  {
    name: z
      .string(expecting("a rule name"))
      .regex(RULE_NAME, expecting("a rule name of letters, digits, '.', '_' or '-' (at most 48, starting with a letter or digit)"))
      .refine((name) => name.toLowerCase() !== DEFAULT_RULE_NAME, { error: `"${DEFAULT_RULE_NAME}" is reserved for the default action; expected another rule name` })
      .meta({ description: "Unique name, written onto the connection with the decision." }),
    match: MatchSchema.default({}),
    action: z.enum(POLICY_ACTIONS, expecting(`one of ${POLICY_ACTIONS.join(", ")}`)).meta({ description: "What to do with a Pending connection the rule matches." }),
    reason: text("a reason (why the rule decides so)").meta({ description: "Why; written onto the connection with the decision." }),
  },
  "a rule mapping with name, match, action and reason",
).superRefine(checkRule, { when: (payload) => isMapping(payload.value) });

/**
 * Cross-rule checks: unique names (case-insensitive) and no rule after a catch-all. They run even when some
 * rules are invalid, so that one load reports every problem; hence the defensive reading of each rule.
 */
function checkRuleOrder(rules: readonly unknown[], ctx: z.core.$RefinementCtx<readonly unknown[]>): void {
  const seen = new Map<string, number>();
  let catchAll: number | undefined;
  rules.forEach((rule, index) => {
    if (typeof rule !== "object" || rule === null) return;
    const { name, match } = rule as { name?: unknown; match?: unknown };
    if (catchAll !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [index],
        input: rule,
        message: `never reached: rules[${catchAll}] has an empty match and takes every connection; expected the catch-all rule last`,
        // The loader drops this when rules[catchAll] has a misspelt key (`mach:`): that key is the problem.
        params: { catchAll },
      });
    }
    if (typeof name === "string") {
      const first = seen.get(name.toLowerCase());
      if (first === undefined) seen.set(name.toLowerCase(), index);
      else ctx.addIssue({ code: "custom", path: [index, "name"], input: name, message: `duplicate rule name ${JSON.stringify(name)} (rules[${first}] has it); expected unique names` });
    }
    const empty = match === undefined || (typeof match === "object" && match !== null && Object.keys(match).length === 0);
    if (empty && catchAll === undefined) catchAll = index;
  });
}

export const PolicySchema = strictMapping(
  {
    $schema: z.string(expecting("a JSON schema reference")).optional().meta({ description: "Lets editors find policy.schema.json; ignored." }),
    defaultAction: z
      .enum(POLICY_ACTIONS, expecting(`one of ${POLICY_ACTIONS.join(", ")}`))
      .default("leavePending")
      .meta({ description: "What to do when no rule matches." }),
    rules: z
      .array(RuleSchema, expecting("an array of rules"))
      .superRefine(checkRuleOrder, { when: (payload) => Array.isArray(payload.value) })
      .default([])
      .meta({ description: "Evaluated in order; the first rule whose match holds decides." }),
    orphanedConnections: z
      .enum(ORPHANED_CONNECTION_ACTIONS, expecting(`one of ${ORPHANED_CONNECTION_ACTIONS.join(", ")}`))
      .default("report")
      .meta({
        description:
          "What a sweep does with a connection that is Disconnected or whose private endpoint is gone (a GET of it answers 404): report it, or remove it (delete the connection; a dry run says it would). A connection whose endpoint cannot be read is reported, never removed.",
      }),
  },
  "a policy mapping with defaultAction and rules",
).meta({ title: "privatelink-autopilot policy", description: "Which Pending private endpoint connections to approve, reject, or leave for humans." });

/** The keys a mapping at `path` (a zod issue path) may hold, for "did you mean" hints; `undefined` when unknown. */
export function knownKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  const at = path.map((p) => (typeof p === "number" ? "#" : String(p))).join("/");
  switch (at) {
    case "":
      return Object.keys(PolicySchema.shape);
    case "rules/#":
      return Object.keys(RuleSchema.shape);
    case "rules/#/match":
      return Object.keys(MatchSchema.shape);
    case "rules/#/match/not":
      return Object.keys(CriteriaSchema.shape);
    default:
      return undefined;
  }
}

export type PolicyAction = (typeof POLICY_ACTIONS)[number];
export type OrphanedConnectionAction = (typeof ORPHANED_CONNECTION_ACTIONS)[number];
/** A validated policy, defaults applied (`loadPolicy` returns this). */
export type Policy = z.output<typeof PolicySchema>;
/** A policy as written in the file, before defaults. */
export type PolicyInput = z.input<typeof PolicySchema>;
export type PolicyRule = z.output<typeof RuleSchema>;
export type PolicyMatch = z.output<typeof MatchSchema>;
export type PolicyCriteria = z.output<typeof CriteriaSchema>;

/** The JSON Schema (draft 2020-12) of the policy file as written, for editors and `policy.schema.json`. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicySchema, { io: "input", target: "draft-2020-12" });
}
