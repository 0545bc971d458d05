/**
 * @module Decides, by policy, what to do with a Pending private endpoint connection: the first rule whose
 * match holds wins; when none does, the policy's default action applies (rule name `default`).
 *
 * `decide` is total and pure: for any policy, connection and context it returns a decision and never
 * throws. Criteria that need a part of the input that is missing or malformed (an endpoint id that does not
 * parse, a connection without group ids) do not hold, so an `approve` rule never matches on missing data,
 * while a `not` block around such a criterion does hold.
 */

import type { Connection, Decision, LinkTarget } from "../domain";
import { normalizeResourceId, parseResourceId } from "../resourceId";
import type { ResourceId } from "../resourceId";
import { matchesGlob } from "./glob";
import { DEFAULT_RULE_NAME } from "./schema";
import type { Policy, PolicyAction, PolicyCriteria } from "./schema";

/** What the policy may look at besides the connection itself. */
export interface DecisionContext {
  /** The PaaS resource the connection is on. */
  target: LinkTarget;
  /** The requester's message; defaults to `connection.description` (the request message while Pending). */
  requestMessage?: string;
}

/** The name written at the start of every description, so people can tell who decided. */
export const APP_NAME = "privatelink-autopilot";

/**
 * The longest `privateLinkServiceConnectionState.description` we write, in UTF-16 code units.
 *
 * The specs set no limit: the common type (azure-rest-api-specs common-types/resource-management
 * privatelinks.json, `PrivateLinkServiceConnectionState.description`) is a plain string without maxLength.
 * The same field carries the requester's message while Pending, and for that message Microsoft.Network
 * documents "Restricted to 140 chars" (`requestMessage`) while resource providers enforce their own, lower
 * limits: PostgreSQL rejects more than 128 ("Request Message may only be a maximum of 128 characters",
 * Azure/azure-sdk-for-go#14739; the Terraform provider notes the limit varies by service,
 * hashicorp/terraform-provider-azurerm#25610). We keep to the lowest limit seen, 128, so that no provider
 * rejects the approval for its description.
 */
export const DESCRIPTION_MAX_LENGTH = 128;

const DEFAULT_REASON = "no rule matched";
const ELLIPSIS = "...";

/** Decides what to do with one connection. Total, deterministic and free of I/O. */
export function decide(policy: Policy, connection: Connection, context: DecisionContext): Decision {
  const facts = factsOf(connection, context);
  for (const rule of policy.rules) {
    if (matches(rule.match, facts)) return decision(rule.action, rule.name, rule.reason);
  }
  return decision(policy.defaultAction, DEFAULT_RULE_NAME, DEFAULT_REASON);
}

/**
 * The description written onto the connection: app, outcome, rule and reason, on one line and at most
 * `DESCRIPTION_MAX_LENGTH` long. When too long the reason is cut first, then the rule name; the app name
 * always stays.
 */
export function describeDecision(action: PolicyAction, ruleName: string, reason: string): string {
  const outcome = action === "approve" ? "approved" : action === "reject" ? "rejected" : "left pending";
  const head = `${APP_NAME} ${outcome} (rule ${oneLine(ruleName)}): `;
  return truncate(head + oneLine(reason), DESCRIPTION_MAX_LENGTH);
}

function decision(action: PolicyAction, ruleName: string, reason: string): Decision {
  return { action, ruleName, reason, description: describeDecision(action, ruleName, reason) };
}

/** What the criteria compare against, read once per decision. */
interface Facts {
  targetType: string;
  groupIds: readonly string[];
  endpoint: ResourceId | undefined;
  target: ResourceId | undefined;
  targetId: string | undefined;
  targetTags: ReadonlyMap<string, string>;
  requestMessage: string;
}

function factsOf(connection: Connection, context: DecisionContext): Facts {
  const targetId = context.target?.id || connection.resourceId;
  const tags = new Map<string, string>();
  for (const [name, value] of Object.entries(context.target?.tags ?? {})) {
    // ARM tag names are case-insensitive; values are not.
    if (typeof value === "string") tags.set(name.toLowerCase(), value);
  }
  return {
    targetType: context.target?.type || connection.resourceType || "",
    groupIds: Array.isArray(connection.groupIds) ? connection.groupIds : [],
    endpoint: tryParse(connection.privateEndpointId),
    target: tryParse(targetId),
    targetId: tryNormalize(targetId),
    targetTags: tags,
    requestMessage: context.requestMessage ?? connection.description ?? "",
  };
}

function matches(match: PolicyCriteria & { not?: PolicyCriteria }, facts: Facts): boolean {
  if (!holds(match, facts)) return false;
  return match.not === undefined || !holds(match.not, facts);
}

/** True when every criterion given holds; a criterion left out holds trivially. */
function holds(criteria: PolicyCriteria, facts: Facts): boolean {
  const c = criteria;
  if (c.targetResourceTypes && !c.targetResourceTypes.some((t) => sameText(t, facts.targetType))) return false;
  if (c.groupIds && !(facts.groupIds.length > 0 && facts.groupIds.every((g) => c.groupIds!.some((allowed) => sameText(allowed, g))))) return false;
  if (c.endpointSubscriptions && !c.endpointSubscriptions.some((s) => facts.endpoint !== undefined && sameText(s, facts.endpoint.subscriptionId))) return false;
  if (c.endpointResourceGroups && !anyGlob(c.endpointResourceGroups, facts.endpoint?.resourceGroup)) return false;
  if (c.endpointNames && !anyGlob(c.endpointNames, facts.endpoint?.names.at(-1))) return false;
  if (c.targetResourceIds && !c.targetResourceIds.some((id) => facts.targetId !== undefined && tryNormalize(id) === facts.targetId)) return false;
  if (c.targetResourceGroups && !anyGlob(c.targetResourceGroups, facts.target?.resourceGroup)) return false;
  if (c.targetTags && !Object.entries(c.targetTags).every(([name, value]) => tagHolds(facts.targetTags.get(name.toLowerCase()), value))) return false;
  if (c.requestMessage !== undefined && !regexOf(c.requestMessage)?.test(facts.requestMessage)) return false;
  return true;
}

function tagHolds(actual: string | undefined, wanted: string): boolean {
  return actual !== undefined && (wanted === "*" || actual === wanted);
}

function anyGlob(patterns: readonly string[], name: string | undefined): boolean {
  return name !== undefined && patterns.some((p) => matchesGlob(name, p));
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

const regexCache = new Map<string, RegExp | null>();

/** The compiled `requestMessage` pattern; `undefined` for a pattern that does not compile (never from `loadPolicy`). */
function regexOf(pattern: string): RegExp | undefined {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, "u");
    } catch {
      regex = null;
    }
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  return regex ?? undefined;
}

function tryParse(id: string | undefined): ResourceId | undefined {
  if (typeof id !== "string") return undefined;
  try {
    return parseResourceId(id);
  } catch {
    return undefined;
  }
}

function tryNormalize(id: string | undefined): string | undefined {
  if (typeof id !== "string") return undefined;
  try {
    return normalizeResourceId(id);
  } catch {
    return undefined;
  }
}

/** Control characters and line breaks become single spaces: the description is one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, " ").trim();
}

/** Cuts `text` to at most `max` UTF-16 code units, never inside a surrogate pair, ending in "...". */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - ELLIPSIS.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}
