/**
 * @module The Private Link resource providers whose connections the app reads and decides, with the
 * api-version and the write shape each one takes. Connections are reached generically by id
 * (`@azure/arm-resources` `*ById`), so adding a provider is one row here.
 */

import { parseResourceId } from "../resourceId";

/** How one resource provider's private endpoint connections are read and written. */
export interface LinkProvider {
  /** The PaaS resource type, e.g. `Microsoft.Batch/batchAccounts`. */
  resourceType: string;
  /** A stable api-version that serves the resource and its `privateEndpointConnections`. */
  apiVersion: string;
  /** Most providers take a PUT of the connection; Batch accepts only PATCH. */
  updateMethod: "PUT" | "PATCH";
  /**
   * The writable field of `privateLinkServiceConnectionState` that says what the consumer must do
   * (Storage spells it `actionRequired`); `undefined` where the spec has it read-only or absent.
   */
  actionsField?: "actionsRequired" | "actionRequired";
  /**
   * Whether the provider's list by subscription carries each resource's `privateEndpointConnections`,
   * so a sweep learns every connection from a few pages. App Service's site list does not.
   */
  listsConnections: boolean;
  /**
   * Whether the ARM emulator (local/emulator) serves this type, so the end-to-end tests exercise it;
   * `false` marks a row as checked only against the REST specs, not run end to end.
   */
  emulated: boolean;
}

/**
 * Sources: the reference examples (Batch 2025-06-01, ML 2025-09-01, Storage 2025-06-01, Key Vault
 * 2024-11-01) and the latest stable folders of Azure/azure-rest-api-specs for the others.
 */
export const LINK_PROVIDERS: readonly LinkProvider[] = [
  { resourceType: "Microsoft.Batch/batchAccounts", apiVersion: "2025-06-01", updateMethod: "PATCH", listsConnections: true, emulated: true },
  { resourceType: "Microsoft.MachineLearningServices/workspaces", apiVersion: "2025-09-01", updateMethod: "PUT", actionsField: "actionsRequired", listsConnections: true, emulated: true },
  { resourceType: "Microsoft.Storage/storageAccounts", apiVersion: "2025-06-01", updateMethod: "PUT", actionsField: "actionRequired", listsConnections: true, emulated: true },
  { resourceType: "Microsoft.KeyVault/vaults", apiVersion: "2024-11-01", updateMethod: "PUT", actionsField: "actionsRequired", listsConnections: true, emulated: true },
  { resourceType: "Microsoft.Sql/servers", apiVersion: "2025-01-01", updateMethod: "PUT", listsConnections: true, emulated: false },
  { resourceType: "Microsoft.DocumentDB/databaseAccounts", apiVersion: "2025-04-15", updateMethod: "PUT", listsConnections: true, emulated: false },
  { resourceType: "Microsoft.ContainerRegistry/registries", apiVersion: "2025-04-01", updateMethod: "PUT", actionsField: "actionsRequired", listsConnections: true, emulated: false },
  { resourceType: "Microsoft.Web/sites", apiVersion: "2024-11-01", updateMethod: "PUT", actionsField: "actionsRequired", listsConnections: false, emulated: false },
  { resourceType: "Microsoft.EventHub/namespaces", apiVersion: "2024-01-01", updateMethod: "PUT", listsConnections: true, emulated: false },
  { resourceType: "Microsoft.ServiceBus/namespaces", apiVersion: "2024-01-01", updateMethod: "PUT", listsConnections: true, emulated: false },
  { resourceType: "Microsoft.CognitiveServices/accounts", apiVersion: "2025-06-01", updateMethod: "PUT", actionsField: "actionsRequired", listsConnections: true, emulated: false },
];

/** The supported PaaS resource types, in table order. */
export function supportedResourceTypes(): string[] {
  return LINK_PROVIDERS.map((p) => p.resourceType);
}

/**
 * The provider for a PaaS resource id, or for the id of one of its connections (the top-level type
 * decides). Throws a `RangeError` naming the supported types for any other type.
 */
export function linkProviderFor(resourceId: string): LinkProvider {
  const parsed = parseResourceId(resourceId);
  const topType = parsed.namespace === undefined || parsed.types[0] === undefined ? undefined : `${parsed.namespace}/${parsed.types[0]}`;
  const wanted = topType?.toLowerCase();
  const provider = LINK_PROVIDERS.find((p) => p.resourceType.toLowerCase() === wanted);
  if (provider === undefined) {
    throw new RangeError(
      `Resource type ${JSON.stringify(topType ?? "(none)")} of ${resourceId} has no Private Link provider entry; supported types: ${supportedResourceTypes().join(", ")}`,
    );
  }
  return provider;
}
