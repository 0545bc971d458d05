/**
 * @module The api-version gate: every version published for a resource type is accepted (table in
 * `publishedApiVersions.ts`); anything else gets ARM's 400, `NoRegisteredProviderFound` for a
 * well-formed version the type never had and `InvalidApiVersionParameter` for one that is not a version.
 */
import { ArmError } from "./armError";
import type { ApiFamily } from "./publishedApiVersions";
import { FIRST_API_VERSION, PUBLISHED_API_VERSIONS } from "./publishedApiVersions";

export type { ApiFamily } from "./publishedApiVersions";

const VERSION_FORMAT = /^(\d{4}-\d{2}-\d{2})(-[a-z]+)?$/i;

/** The family a provider namespace and top-level type belong to, or `undefined` when not emulated. */
export function apiFamilyOf(namespace: string, topType: string | undefined): ApiFamily | undefined {
  const ns = namespace.toLowerCase();
  if (ns === "microsoft.network") return topType?.toLowerCase() === "privatednszones" ? "privateDns" : "network";
  if (ns === "microsoft.batch") return "batch";
  if (ns === "microsoft.machinelearningservices") return "machineLearning";
  if (ns === "microsoft.storage") return "storage";
  if (ns === "microsoft.keyvault") return "keyVault";
  return undefined;
}

/** Whether `version` is `first` or later; a preview counts as earlier than the stable version of its date. */
export function isAtOrAfter(version: string, first: string): boolean {
  const date = VERSION_FORMAT.exec(version)?.[1] ?? version;
  const firstDate = VERSION_FORMAT.exec(first)?.[1] ?? first;
  return date > firstDate || version === first;
}

const acceptedCache = new Map<string, readonly string[]>();

/** The versions ARM accepts for `resourceType` (e.g. `Microsoft.Storage/storageAccounts/privateEndpointConnections`), oldest first. */
export function acceptedApiVersions(family: ApiFamily, resourceType: string): readonly string[] {
  const cacheKey = `${family}|${resourceType.toLowerCase()}`;
  let accepted = acceptedCache.get(cacheKey);
  if (accepted === undefined) {
    const first = FIRST_API_VERSION[resourceType.toLowerCase()];
    const published = PUBLISHED_API_VERSIONS[family];
    accepted = first === undefined ? published : published.filter((v) => isAtOrAfter(v, first));
    acceptedCache.set(cacheKey, accepted);
  }
  return accepted;
}

/** Where the request is addressed, for ARM's wording of the error. */
export interface ApiVersionScope {
  location: string;
  supportedLocations: readonly string[];
}

/** Throws ARM's 400 when `version` is not one ARM accepts for `resourceType`; `scopeOf` is read only then. */
export function checkApiVersion(family: ApiFamily, version: string, resourceType: string, scopeOf: () => ApiVersionScope): void {
  const accepted = acceptedApiVersions(family, resourceType);
  if (accepted.includes(version)) return;
  const scope = scopeOf();
  const locations = `The supported locations are '${scope.supportedLocations.join(", ")}'.`;
  // ARM answers for its own types with InvalidApiVersionParameter, for providers' types with NoRegisteredProviderFound.
  if (!VERSION_FORMAT.test(version) || family === "resources") {
    throw new ArmError(400, "InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${accepted.join(",")}'. ${locations}`);
  }
  const type = resourceType.split("/").slice(1).join("/");
  throw new ArmError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location '${scope.location}' and API version '${version}' for type '${type}'. The supported api-versions are '${accepted.join(", ")}'. ${locations}`,
  );
}
