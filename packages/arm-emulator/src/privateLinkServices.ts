/**
 * @module What the emulator knows about each Private Link service it hosts: the groupIds
 * (`privateLinkResources`), the FQDNs Azure issues to an endpoint for each groupId, and each
 * resource provider's quirks (field names, etags, how its connection writes are long-running), and
 * the private DNS zones a zone group writes those names into. This is the emulator's own account of
 * what Azure does (from the Private Link DNS documentation); a test cross-checks it against the app's.
 */
import type { ApiFamily } from "./apiVersions";

/** A PaaS resource that accepts private endpoint connections. */
export interface PaasResource {
  id: string;
  /** Full type, e.g. `Microsoft.Batch/batchAccounts`. */
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  /** ML workspaces: the workspace GUID that appears in their FQDNs. */
  workspaceId?: string;
}

/** One FQDN Azure issues for a groupId, and the member of the private link resource behind it. */
export interface IssuedName {
  memberName: string;
  fqdn: string;
}

/**
 * A private zone a zone group writes into: an FQDN under `.{publicSuffix}` gets the record named by
 * what comes before it, e.g. `acct.westeurope.batch.azure.com` in `privatelink.batch.azure.com`
 * (public suffix `batch.azure.com`) is `acct.westeurope`.
 */
export interface ZoneRule {
  zone: string;
  publicSuffix: string;
}

export interface PrivateLinkGroup {
  groupId: string;
  requiredMembers: string[];
  requiredZoneNames: (location: string) => string[];
  /** Every zone, current and legacy, Azure's zone groups write this group's names into. */
  zoneRules: (target: PaasResource) => ZoneRule[];
}

/** How a provider answers writes to its connections. */
export type ConnectionWriteStyle = "sync" | "asyncOperation" | "location";

export interface PrivateLinkService {
  resourceType: string;
  family: ApiFamily;
  groups: readonly PrivateLinkGroup[];
  issuedNames(target: PaasResource, groupId: string): IssuedName[];
  /** Storage spells it `actionRequired`; the others `actionsRequired`. */
  actionsKey: "actionsRequired" | "actionRequired";
  /** Batch and Key Vault put an etag on connections. */
  connectionEtag: boolean;
  /** Batch repeats the connection's groupIds on its side. */
  connectionGroupIds: boolean;
  putStyle: ConnectionWriteStyle;
  deleteStyle: ConnectionWriteStyle;
  /**
   * Whether the spec marks the connection and private link resource lists pageable (`nextLink`);
   * the others answer every item at once, as a client that follows their spec reads one page only.
   */
  pagedLists: { connections: boolean; privateLinkResources: boolean };
  /** Key Vault embeds connection items (id, etag, properties) in the vault; the others embed whole connections. */
  embedsConnectionItems: boolean;
  /**
   * Batch: once the account has moved to another resource group, deleting one of its endpoints
   * leaves the connection on the account, naming an endpoint that is gone.
   */
  orphansConnectionsAfterMove: boolean;
  /** Provider-specific properties of the resource itself. */
  resourceProperties(target: PaasResource): Record<string, unknown>;
}

function region(target: PaasResource): string {
  return target.location.toLowerCase().replace(/\s+/g, "");
}

const STORAGE_GROUPS = ["blob", "file", "queue", "table", "dfs", "web"];

export const PRIVATE_LINK_SERVICES: readonly PrivateLinkService[] = [
  {
    resourceType: "Microsoft.Batch/batchAccounts",
    family: "batch",
    groups: [
      {
        groupId: "batchAccount",
        requiredMembers: ["batchAccount"],
        requiredZoneNames: () => ["privatelink.batch.azure.com"],
        // The regional zone is the one Batch accounts used before the global zone existed.
        zoneRules: (target) => [
          { zone: "privatelink.batch.azure.com", publicSuffix: "batch.azure.com" },
          { zone: `privatelink.${region(target)}.batch.azure.com`, publicSuffix: `${region(target)}.batch.azure.com` },
        ],
      },
      {
        groupId: "nodeManagement",
        requiredMembers: ["nodeManagement"],
        requiredZoneNames: () => ["privatelink.batch.azure.com"],
        zoneRules: () => [{ zone: "privatelink.batch.azure.com", publicSuffix: "batch.azure.com" }],
      },
    ],
    issuedNames(target, groupId) {
      const account = target.name.toLowerCase();
      return groupId.toLowerCase() === "nodemanagement"
        ? [{ memberName: "nodeManagement", fqdn: `${account}.${region(target)}.service.batch.azure.com` }]
        : [{ memberName: "batchAccount", fqdn: `${account}.${region(target)}.batch.azure.com` }];
    },
    actionsKey: "actionsRequired",
    connectionEtag: true,
    connectionGroupIds: true,
    putStyle: "asyncOperation",
    deleteStyle: "location",
    pagedLists: { connections: true, privateLinkResources: true },
    embedsConnectionItems: false,
    orphansConnectionsAfterMove: true,
    resourceProperties: (target) => ({
      accountEndpoint: `${target.name.toLowerCase()}.${region(target)}.batch.azure.com`,
      nodeManagementEndpoint: `${target.name.toLowerCase()}.${region(target)}.service.batch.azure.com`,
      provisioningState: "Succeeded",
      publicNetworkAccess: "Disabled",
      poolAllocationMode: "BatchService",
    }),
  },
  {
    resourceType: "Microsoft.MachineLearningServices/workspaces",
    family: "machineLearning",
    groups: [
      {
        groupId: "amlworkspace",
        requiredMembers: ["default", "cert", "notebook", "inference"],
        requiredZoneNames: () => ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
        zoneRules: () => [
          { zone: "privatelink.api.azureml.ms", publicSuffix: "api.azureml.ms" },
          { zone: "privatelink.notebooks.azure.net", publicSuffix: "notebooks.azure.net" },
        ],
      },
    ],
    issuedNames(target) {
      const ws = (target.workspaceId ?? "").toLowerCase();
      const r = region(target);
      return [
        { memberName: "default", fqdn: `${ws}.workspace.${r}.api.azureml.ms` },
        { memberName: "cert", fqdn: `${ws}.workspace.${r}.cert.api.azureml.ms` },
        { memberName: "notebook", fqdn: `ml-${target.name.toLowerCase()}-${r}-${ws}.${r}.notebooks.azure.net` },
        { memberName: "inference", fqdn: `*.${ws}.inference.${r}.api.azureml.ms` },
      ];
    },
    actionsKey: "actionsRequired",
    connectionEtag: false,
    connectionGroupIds: false,
    putStyle: "sync",
    deleteStyle: "sync",
    pagedLists: { connections: false, privateLinkResources: false },
    embedsConnectionItems: false,
    orphansConnectionsAfterMove: false,
    resourceProperties: (target) => ({
      workspaceId: target.workspaceId,
      friendlyName: target.name,
      provisioningState: "Succeeded",
      publicNetworkAccess: "Disabled",
      discoveryUrl: `https://${region(target)}.api.azureml.ms/discovery`,
    }),
  },
  {
    resourceType: "Microsoft.Storage/storageAccounts",
    family: "storage",
    groups: STORAGE_GROUPS.map((groupId) => ({
      groupId,
      requiredMembers: [groupId],
      requiredZoneNames: () => [`privatelink.${groupId}.core.windows.net`],
      zoneRules: () => [{ zone: `privatelink.${groupId}.core.windows.net`, publicSuffix: `${groupId}.core.windows.net` }],
    })),
    issuedNames: (target, groupId) => [{ memberName: groupId.toLowerCase(), fqdn: `${target.name.toLowerCase()}.${groupId.toLowerCase()}.core.windows.net` }],
    actionsKey: "actionRequired",
    connectionEtag: false,
    connectionGroupIds: false,
    putStyle: "sync",
    deleteStyle: "sync",
    pagedLists: { connections: false, privateLinkResources: false },
    embedsConnectionItems: false,
    orphansConnectionsAfterMove: false,
    resourceProperties: (target) => ({
      provisioningState: "Succeeded",
      publicNetworkAccess: "Disabled",
      primaryEndpoints: Object.fromEntries(STORAGE_GROUPS.map((g) => [g, `https://${target.name.toLowerCase()}.${g}.core.windows.net/`])),
    }),
  },
  {
    resourceType: "Microsoft.KeyVault/vaults",
    family: "keyVault",
    groups: [
      {
        groupId: "vault",
        requiredMembers: ["default"],
        requiredZoneNames: () => ["privatelink.vaultcore.azure.net"],
        // vault.azure.net names resolve through privatelink.vaultcore.azure.net.
        zoneRules: () => [{ zone: "privatelink.vaultcore.azure.net", publicSuffix: "vault.azure.net" }],
      },
    ],
    issuedNames: (target) => [{ memberName: "default", fqdn: `${target.name.toLowerCase()}.vault.azure.net` }],
    actionsKey: "actionsRequired",
    connectionEtag: true,
    connectionGroupIds: false,
    putStyle: "sync",
    deleteStyle: "location",
    pagedLists: { connections: true, privateLinkResources: false },
    embedsConnectionItems: true,
    orphansConnectionsAfterMove: false,
    resourceProperties: (target) => ({
      vaultUri: `https://${target.name.toLowerCase()}.vault.azure.net/`,
      provisioningState: "Succeeded",
      publicNetworkAccess: "Disabled",
      sku: { family: "A", name: "standard" },
    }),
  },
];

/** The service for a resource type (case-insensitive), or `undefined`. */
export function privateLinkServiceFor(resourceType: string): PrivateLinkService | undefined {
  const wanted = resourceType.toLowerCase();
  return PRIVATE_LINK_SERVICES.find((s) => s.resourceType.toLowerCase() === wanted);
}

/** The group of a service by groupId (case-insensitive), or `undefined`. */
export function privateLinkGroupOf(service: PrivateLinkService, groupId: string): PrivateLinkGroup | undefined {
  return service.groups.find((g) => g.groupId.toLowerCase() === groupId.toLowerCase());
}

/** The record a zone group writes for `fqdn` into `zone`, or `undefined` when that zone does not serve it. */
export function zoneGroupRecordName(target: PaasResource, groupId: string, fqdn: string, zone: string): string | undefined {
  const service = privateLinkServiceFor(target.type);
  const group = service === undefined ? undefined : privateLinkGroupOf(service, groupId);
  const host = fqdn.toLowerCase();
  for (const rule of group?.zoneRules(target) ?? []) {
    if (rule.zone.toLowerCase() === zone.toLowerCase() && host.endsWith(`.${rule.publicSuffix}`)) return host.slice(0, -rule.publicSuffix.length - 1);
  }
  return undefined;
}
