/**
 * @module ARM resource ids as the emulator reads them: subscription, resource group, provider
 * namespace and type/name pairs. The emulator's own reading, so it never shares a bug with the app's.
 */

export interface ArmId {
  subscriptionId: string;
  resourceGroup?: string;
  namespace?: string;
  /** Types below the namespace, e.g. `["batchAccounts", "privateEndpointConnections"]`. */
  types: string[];
  /** The name for each entry in `types`. */
  names: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(id: string, what: string): TypeError {
  return new TypeError(`Invalid ARM resource id ${JSON.stringify(id)}: ${what}; expected /subscriptions/{guid}[/resourceGroups/{name}[/providers/{Namespace}/{type}/{name}...]]`);
}

/** Parses an ARM resource id; a `TypeError` (answered as 400) for anything else. */
export function parseArmId(id: string): ArmId {
  const segments = id.split("/");
  if (segments.shift() !== "") throw invalid(id, "it must start with '/'");
  if (segments.at(-1) === "") segments.pop();
  if (segments.some((s) => s.trim() === "")) throw invalid(id, "it has an empty segment");
  const [subscriptions, subscriptionId, resourceGroups, resourceGroup, providers, namespace, ...pairs] = segments;
  if (subscriptions?.toLowerCase() !== "subscriptions" || subscriptionId === undefined || !GUID.test(subscriptionId)) throw invalid(id, "it does not start with /subscriptions/{guid}");
  const parsed: ArmId = { subscriptionId, types: [], names: [] };
  if (resourceGroups === undefined) return parsed;
  if (resourceGroups.toLowerCase() !== "resourcegroups" || resourceGroup === undefined) throw invalid(id, "expected resourceGroups/{name} after the subscription");
  parsed.resourceGroup = resourceGroup;
  if (providers === undefined) return parsed;
  if (providers.toLowerCase() !== "providers" || namespace === undefined || !namespace.includes(".")) throw invalid(id, "expected providers/{Namespace} after the resource group");
  if (pairs.length === 0 || pairs.length % 2 !== 0) throw invalid(id, "expected type/name pairs after the provider namespace");
  parsed.namespace = namespace;
  for (let i = 0; i < pairs.length; i += 2) {
    parsed.types.push(pairs[i] as string);
    parsed.names.push(pairs[i + 1] as string);
  }
  return parsed;
}

/** The full type of a parsed id, e.g. `Microsoft.Batch/batchAccounts/privateEndpointConnections`. */
export function armTypeOf(parsed: ArmId): string {
  if (parsed.namespace === undefined) return parsed.resourceGroup === undefined ? "Microsoft.Resources/subscriptions" : "Microsoft.Resources/resourceGroups";
  return [parsed.namespace, ...parsed.types].join("/");
}
