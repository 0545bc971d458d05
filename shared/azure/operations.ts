/**
 * @module The single list of ARM operations the adapters perform, each with the RBAC actions it needs
 * and where the app's identity needs them. Every adapter function names its entry here (for its 403
 * message), so this list is the least-privilege custom role and cannot drift from the code.
 */

import { supportedResourceTypes } from "./providers";

/**
 * Where a permission must be granted: on the watched subscriptions (endpoints, NICs, PaaS resources
 * and their connections), on the resource group(s) holding the central private DNS zones, or on the
 * management group whose subscriptions are in scope (reading its hierarchy).
 */
export type PermissionScope = "watchedSubscriptions" | "dnsZoneResourceGroups" | "managementGroup";

/**
 * One ARM operation. Actions may hold `{resourceType}` (a PaaS type) or `{recordType}` (A, CNAME); the
 * action `{connectionWriteStatus}` stands for `connectionWriteStatusActions` of each PaaS type.
 */
export interface ArmOperation {
  /** The adapter function that performs it. */
  name: string;
  /** The request, for messages and docs. */
  request: string;
  actions: readonly string[];
  scope: PermissionScope;
}

/** The record types the adapters write. */
export const WRITTEN_RECORD_TYPES = ["A", "CNAME"] as const;

export const ArmOperations = {
  listPrivateEndpoints: {
    name: "listPrivateEndpoints",
    request: "GET /subscriptions/{sub}/providers/Microsoft.Network/privateEndpoints (paged)",
    actions: ["Microsoft.Network/privateEndpoints/read"],
    scope: "watchedSubscriptions",
  },
  getPrivateEndpoint: {
    name: "getPrivateEndpoint",
    request: "GET .../Microsoft.Network/privateEndpoints/{name}",
    actions: ["Microsoft.Network/privateEndpoints/read"],
    scope: "watchedSubscriptions",
  },
  listPrivateDnsZoneGroups: {
    name: "listPrivateDnsZoneGroups",
    request: "GET .../Microsoft.Network/privateEndpoints/{name}/privateDnsZoneGroups",
    actions: ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read"],
    scope: "watchedSubscriptions",
  },
  getNetworkInterface: {
    name: "getNetworkInterface",
    request: "GET .../Microsoft.Network/networkInterfaces/{name}",
    actions: ["Microsoft.Network/networkInterfaces/read"],
    scope: "watchedSubscriptions",
  },
  getLinkTarget: {
    name: "getLinkTarget",
    request: "GET {resourceId}",
    actions: ["{resourceType}/read"],
    scope: "watchedSubscriptions",
  },
  listLinkTargets: {
    name: "listLinkTargets",
    request: "GET /subscriptions/{sub}/providers/{resourceType} (paged, with each resource's connections)",
    actions: ["{resourceType}/read"],
    scope: "watchedSubscriptions",
  },
  listConnections: {
    name: "listConnections",
    request: "GET {resourceId}/privateEndpointConnections (paged)",
    actions: ["{resourceType}/privateEndpointConnections/read"],
    scope: "watchedSubscriptions",
  },
  getConnection: {
    name: "getConnection",
    request: "GET {resourceId}/privateEndpointConnections/{name}",
    actions: ["{resourceType}/privateEndpointConnections/read"],
    scope: "watchedSubscriptions",
  },
  // The resource owner approves and rejects with the connection write alone (`.../privateEndpointConnectionsApproval/action`
  // is what an endpoint's creator holds for automatic approval, and most providers publish no such action).
  // `{connectionWriteStatus}`: the reads of the status URLs the SDK polls when the write is long-running.
  approveConnection: {
    name: "approveConnection",
    request: "PUT (Batch: PATCH) {resourceId}/privateEndpointConnections/{name}, long-running: polls the provider's status URL",
    actions: ["{resourceType}/privateEndpointConnections/write", "{connectionWriteStatus}"],
    scope: "watchedSubscriptions",
  },
  rejectConnection: {
    name: "rejectConnection",
    request: "PUT (Batch: PATCH) {resourceId}/privateEndpointConnections/{name}, long-running: polls the provider's status URL",
    actions: ["{resourceType}/privateEndpointConnections/write", "{connectionWriteStatus}"],
    scope: "watchedSubscriptions",
  },
  // Removes an orphaned connection (policy `orphanedConnections: remove`). Long-running on most providers;
  // the status reads granted are the write's. Where a provider polls a delete elsewhere (Batch's example
  // answers with `.../accountOperationResults/...`) and the poll is refused, the caller reads the connection
  // to learn whether it went (`app/handleOrphans.ts`).
  deleteConnection: {
    name: "deleteConnection",
    request: "DELETE {resourceId}/privateEndpointConnections/{name}, long-running: polls the provider's status URL",
    actions: ["{resourceType}/privateEndpointConnections/delete", "{connectionWriteStatus}"],
    scope: "watchedSubscriptions",
  },
  listZones: {
    name: "listZones",
    request: "GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones (paged)",
    actions: ["Microsoft.Network/privateDnsZones/read"],
    scope: "dnsZoneResourceGroups",
  },
  listRecordSets: {
    name: "listRecordSets",
    request: "GET .../privateDnsZones/{zone}/ALL (paged)",
    actions: ["Microsoft.Network/privateDnsZones/ALL/read"],
    scope: "dnsZoneResourceGroups",
  },
  listVirtualNetworkLinks: {
    name: "listVirtualNetworkLinks",
    request: "GET .../privateDnsZones/{zone}/virtualNetworkLinks (paged)",
    actions: ["Microsoft.Network/privateDnsZones/virtualNetworkLinks/read"],
    scope: "dnsZoneResourceGroups",
  },
  getRecordSet: {
    name: "getRecordSet",
    request: "GET .../privateDnsZones/{zone}/{recordType}/{name}",
    actions: ["Microsoft.Network/privateDnsZones/{recordType}/read"],
    scope: "dnsZoneResourceGroups",
  },
  upsertARecord: {
    name: "upsertARecord",
    request: "PUT .../privateDnsZones/{zone}/A/{name} (If-Match / If-None-Match)",
    actions: ["Microsoft.Network/privateDnsZones/A/write"],
    scope: "dnsZoneResourceGroups",
  },
  upsertCNAMERecord: {
    name: "upsertCNAMERecord",
    request: "PUT .../privateDnsZones/{zone}/CNAME/{name} (If-Match / If-None-Match)",
    actions: ["Microsoft.Network/privateDnsZones/CNAME/write"],
    scope: "dnsZoneResourceGroups",
  },
  deleteRecordSet: {
    name: "deleteRecordSet",
    request: "DELETE .../privateDnsZones/{zone}/{recordType}/{name} (If-Match)",
    actions: ["Microsoft.Network/privateDnsZones/{recordType}/delete"],
    scope: "dnsZoneResourceGroups",
  },
  listManagementGroupSubscriptions: {
    name: "listManagementGroupSubscriptions",
    request: "GET /providers/Microsoft.Management/managementGroups/{groupId}/descendants (paged)",
    actions: ["Microsoft.Management/managementGroups/descendants/read"],
    scope: "managementGroup",
  },
} as const satisfies Record<string, ArmOperation>;

export type ArmOperationName = keyof typeof ArmOperations;

/**
 * Per PaaS type, the read actions of the status URLs its connection writes answer with
 * (`Azure-AsyncOperation` or `Location`), which the SDK's poller GETs until the write ends. Each action
 * is in Azure's published operations (`infra/roles/azure-operations.json`); a type whose write answers
 * at once has none. Where the published list shows no status action for a type (Cosmos DB, Service
 * Bus), none is granted rather than a guessed one, which Azure would reject with the whole role:
 * docs/operations.md says what that means for an approval there.
 */
export const CONNECTION_WRITE_STATUS_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  "Microsoft.Batch/batchAccounts": ["Microsoft.Batch/batchAccounts/privateEndpointConnectionResults/read"],
  "Microsoft.MachineLearningServices/workspaces": [],
  "Microsoft.Storage/storageAccounts": [],
  "Microsoft.KeyVault/vaults": ["Microsoft.KeyVault/locations/operationResults/read"],
  "Microsoft.Sql/servers": ["Microsoft.Sql/locations/privateEndpointConnectionAzureAsyncOperation/read", "Microsoft.Sql/locations/privateEndpointConnectionOperationResults/read"],
  "Microsoft.DocumentDB/databaseAccounts": [],
  "Microsoft.ContainerRegistry/registries": ["Microsoft.ContainerRegistry/registries/privateEndpointConnections/operationStatuses/read"],
  "Microsoft.Web/sites": ["Microsoft.Web/locations/operationResults/read", "Microsoft.Web/locations/operations/read"],
  "Microsoft.EventHub/namespaces": ["Microsoft.EventHub/namespaces/privateEndpointConnections/operationstatus/read"],
  "Microsoft.ServiceBus/namespaces": [],
  "Microsoft.CognitiveServices/accounts": ["Microsoft.CognitiveServices/locations/operationResults/read"],
};

/** The status-read actions of one PaaS type's connection writes; a `RangeError` for a type without an entry. */
export function connectionWriteStatusActions(resourceType: string): readonly string[] {
  const wanted = resourceType.toLowerCase();
  const entry = Object.entries(CONNECTION_WRITE_STATUS_ACTIONS).find(([type]) => type.toLowerCase() === wanted);
  if (entry === undefined) throw new RangeError(`${resourceType} has no entry in CONNECTION_WRITE_STATUS_ACTIONS; add the status reads its connection writes need`);
  return entry[1];
}

export interface ActionParameters {
  resourceType?: string;
  recordType?: string;
}

/** An operation's actions with its placeholders filled; a placeholder left unfilled stays visible. */
export function actionsOf(operation: ArmOperation, parameters: ActionParameters = {}): string[] {
  return operation.actions.flatMap((action) =>
    action === "{connectionWriteStatus}" && parameters.resourceType !== undefined
      ? [...connectionWriteStatusActions(parameters.resourceType)]
      : [action.replace("{resourceType}", parameters.resourceType ?? "{resourceType}").replace("{recordType}", parameters.recordType ?? "{recordType}")],
  );
}

/**
 * Every RBAC action the app needs at one scope, expanded over the supported PaaS types and the
 * written record types, unique and sorted: the `actions` of a least-privilege custom role.
 */
export function requiredActions(scope: PermissionScope, resourceTypes: readonly string[] = supportedResourceTypes()): string[] {
  const actions = new Set<string>();
  for (const operation of Object.values(ArmOperations) as ArmOperation[]) {
    if (operation.scope !== scope) continue;
    for (const action of operation.actions) {
      if (action === "{connectionWriteStatus}") {
        for (const resourceType of resourceTypes) for (const status of connectionWriteStatusActions(resourceType)) actions.add(status);
        continue;
      }
      const types = action.includes("{resourceType}") ? resourceTypes : [undefined];
      const records = action.includes("{recordType}") ? WRITTEN_RECORD_TYPES : [undefined];
      for (const resourceType of types) {
        for (const recordType of records) actions.add(actionsOf({ ...operation, actions: [action] }, { resourceType, recordType })[0] as string);
      }
    }
  }
  return [...actions].sort();
}
