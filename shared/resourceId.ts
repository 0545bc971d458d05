/**
 * @module Parses, validates, normalises and compares Azure Resource Manager resource ids.
 *
 * ARM ids compare case-insensitively. A provider id has the shape
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]...`.
 */

/** A parsed ARM resource id. `types` and `names` run from the top-level resource down to the last child. */
export interface ResourceId {
  subscriptionId: string;
  resourceGroup?: string;
  /** The provider namespace, e.g. `Microsoft.Network`. */
  namespace?: string;
  /** Resource types below the namespace, e.g. `["batchAccounts", "privateEndpointConnections"]`. */
  types: string[];
  /** The name for each entry in `types`. */
  names: string[];
}

/** The subscriptions a deployment may act on. */
export interface Scope {
  subscriptionIds: readonly string[];
}

/** A GUID in its usual 8-4-4-4-12 form, any case: the one pattern for subscription and tenant ids. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in its usual 8-4-4-4-12 form (subscription and tenant ids), any case. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}
const EXPECTED =
  "expected /subscriptions/{guid}[/resourceGroups/{name}[/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]...]]";

/**
 * Characters ARM does not allow in any resource name, and control characters. A URL would carry them
 * as something else (`?` starts a query, `%` an escape, `\` is read as `/`), so the SDK would address
 * a different path than the id names.
 */
const FORBIDDEN = /[<>%&\\?#\p{Cc}]/u;

function invalid(id: string, what: string): TypeError {
  return new TypeError(`Invalid ARM resource id ${JSON.stringify(id)}: ${what}; ${EXPECTED}`);
}

/** Parses an ARM resource id. Throws a `TypeError` naming the id and what was expected. */
export function parseResourceId(id: string): ResourceId {
  if (typeof id !== "string" || !id.startsWith("/")) throw invalid(String(id), "it must start with '/'");
  const segments = id.split("/").slice(1);
  if (segments.at(-1) === "") segments.pop();
  if (segments.some((s) => s.trim() === "")) throw invalid(id, "it has an empty segment");
  // A URL normalises `.` and `..` away: the request would address another resource than the id names.
  if (segments.some((s) => s === "." || s === "..")) throw invalid(id, "it has a '.' or '..' segment");
  const forbidden = FORBIDDEN.exec(id);
  if (forbidden !== null) throw invalid(id, `it holds ${JSON.stringify(forbidden[0])}, which ARM does not allow in resource ids`);
  const [subscriptions, subscriptionId, ...rest] = segments;
  if (subscriptions?.toLowerCase() !== "subscriptions" || subscriptionId === undefined) {
    throw invalid(id, "it does not start with /subscriptions/{id}");
  }
  if (!GUID.test(subscriptionId)) throw invalid(id, `subscription ${JSON.stringify(subscriptionId)} is not a GUID`);
  const parsed: ResourceId = { subscriptionId, types: [], names: [] };
  if (rest.length === 0) return parsed;
  const [resourceGroups, resourceGroup, ...provider] = rest;
  if (resourceGroups?.toLowerCase() !== "resourcegroups" || resourceGroup === undefined) {
    throw invalid(id, "expected resourceGroups/{name} after the subscription");
  }
  parsed.resourceGroup = resourceGroup;
  if (provider.length === 0) return parsed;
  const [providers, namespace, ...typeNames] = provider;
  if (providers?.toLowerCase() !== "providers" || namespace === undefined) {
    throw invalid(id, "expected providers/{Namespace} after the resource group");
  }
  if (!namespace.includes(".")) throw invalid(id, `provider namespace ${JSON.stringify(namespace)} has no '.'`);
  if (typeNames.length === 0 || typeNames.length % 2 !== 0) {
    throw invalid(id, "expected type/name pairs after the provider namespace");
  }
  parsed.namespace = namespace;
  for (let i = 0; i < typeNames.length; i += 2) {
    parsed.types.push(typeNames[i] as string);
    parsed.names.push(typeNames[i + 1] as string);
  }
  return parsed;
}

/** True when `id` parses as an ARM resource id. */
export function isResourceId(id: unknown): id is string {
  if (typeof id !== "string") return false;
  try {
    parseResourceId(id);
    return true;
  } catch {
    return false;
  }
}

/** Formats a parsed id back to its canonical casing-preserving form. */
export function formatResourceId(parsed: ResourceId): string {
  let id = `/subscriptions/${parsed.subscriptionId}`;
  if (parsed.resourceGroup === undefined) return id;
  id += `/resourceGroups/${parsed.resourceGroup}`;
  if (parsed.namespace === undefined) return id;
  id += `/providers/${parsed.namespace}`;
  parsed.types.forEach((type, i) => (id += `/${type}/${parsed.names[i]}`));
  return id;
}

/** The canonical comparison key for an id: validated, keywords fixed, lower case, no trailing slash. */
export function normalizeResourceId(id: string): string {
  return formatResourceId(parseResourceId(id)).toLowerCase();
}

/** True when two ids name the same resource (ARM ids are case-insensitive). */
export function sameResourceId(a: string, b: string): boolean {
  return normalizeResourceId(a) === normalizeResourceId(b);
}

/** The full resource type, e.g. `Microsoft.Batch/batchAccounts/privateEndpointConnections`. */
export function resourceTypeOf(id: string | ResourceId): string {
  const parsed = typeof id === "string" ? parseResourceId(id) : id;
  if (parsed.namespace === undefined) return parsed.resourceGroup === undefined ? "Microsoft.Resources/subscriptions" : "Microsoft.Resources/resourceGroups";
  return [parsed.namespace, ...parsed.types].join("/");
}

/** The last name in the id: the resource's own name. */
export function resourceNameOf(id: string): string {
  const parsed = parseResourceId(id);
  return parsed.names.at(-1) ?? parsed.resourceGroup ?? parsed.subscriptionId;
}

/** The parent of a child resource, or the resource group/subscription above a top-level resource. */
export function parentResourceId(id: string): string | undefined {
  const parsed = parseResourceId(id);
  if (parsed.types.length > 1) {
    return formatResourceId({ ...parsed, types: parsed.types.slice(0, -1), names: parsed.names.slice(0, -1) });
  }
  if (parsed.namespace !== undefined) return formatResourceId({ subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, types: [], names: [] });
  if (parsed.resourceGroup !== undefined) return formatResourceId({ subscriptionId: parsed.subscriptionId, types: [], names: [] });
  return undefined;
}

/** True when the id lies in one of the scope's subscriptions. Throws a `TypeError` for a malformed id. */
export function isWithinScope(id: string, scope: Scope): boolean {
  const { subscriptionId } = parseResourceId(id);
  return scope.subscriptionIds.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
}
