/**
 * @module Response shapes that follow the api-version: a field a resource type gained in a later
 * version is left out of answers to requests for an earlier one, as the provider does.
 */
import { isAtOrAfter } from "./apiVersions";
import { isRecord } from "./router";

/** Per resource type (lower case), the `properties` fields and the version that introduced each. */
const FIELDS_SINCE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Batch 2022-06-01 added groupIds to the connection (azure-mgmt-batch 16.2.0 release notes).
  "microsoft.batch/batchaccounts/privateendpointconnections": { groupIds: "2022-06-01" },
  // Network 2021-05-01 added static IP configurations and custom NIC names to private endpoints.
  "microsoft.network/privateendpoints": { ipConfigurations: "2021-05-01", customNetworkInterfaceName: "2021-05-01" },
};

/** Versions from this one on have every field: their answers need no walk. */
const NEWEST_FIELD = Object.values(FIELDS_SINCE)
  .flatMap((fields) => Object.values(fields))
  .sort()
  .at(-1) as string;

/** `body` as a client of `apiVersion` sees it: every typed resource in it without the fields its version lacks. */
export function shapeForVersion(body: unknown, apiVersion: string): unknown {
  return isAtOrAfter(apiVersion, NEWEST_FIELD) ? body : shape(body, apiVersion);
}

function shape(body: unknown, apiVersion: string): unknown {
  if (Array.isArray(body)) return body.map((item) => shape(item, apiVersion));
  if (!isRecord(body)) return body;
  const since = typeof body.type === "string" ? FIELDS_SINCE[body.type.toLowerCase()] : undefined;
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "properties" && since !== undefined && isRecord(value)) {
      const kept = Object.entries(value).filter(([field]) => since[field] === undefined || isAtOrAfter(apiVersion, since[field]));
      shaped[key] = shape(Object.fromEntries(kept), apiVersion);
    } else {
      shaped[key] = shape(value, apiVersion);
    }
  }
  return shaped;
}
