/**
 * @module Renders estate records as the JSON bodies the real resource providers return, following
 * the official examples vendored in test/fixtures/arm (keys, nesting, per-provider field names).
 */
import type { ConnectionRecord, EndpointLinkRecord, EndpointRecord, Estate, NicRecord, RecordSetRecord, VirtualNetworkLinkRecord, ZoneGroupRecord, ZoneRecord } from "./estate";
import type { PaasResource, PrivateLinkService } from "./privateLinkServices";
import { privateLinkServiceFor } from "./privateLinkServices";

export type Json = Record<string, unknown>;

function linkBody(endpoint: EndpointRecord, link: EndpointLinkRecord): Json {
  const collection = link.manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections";
  return {
    name: link.name,
    id: `${endpoint.id}/${collection}/${link.name}`,
    type: "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
    etag: endpoint.etag,
    properties: {
      provisioningState: "Succeeded",
      privateLinkServiceId: link.targetResourceId,
      groupIds: [...link.groupIds],
      ...(link.requestMessage !== undefined ? { requestMessage: link.requestMessage } : {}),
      privateLinkServiceConnectionState: { ...link.state },
    },
  };
}

/** `Microsoft.Network/privateEndpoints` (PrivateEndpointGet.json). */
export function privateEndpointBody(estate: Estate, endpoint: EndpointRecord): Json {
  const nic = estate.getNic(endpoint.nicId);
  const byFqdn = new Map<string, string[]>();
  for (const c of nic?.ipConfigs ?? []) byFqdn.set(c.fqdn, [...(byFqdn.get(c.fqdn) ?? []), c.privateIp]);
  return {
    name: endpoint.name,
    id: endpoint.id,
    etag: endpoint.etag,
    type: "Microsoft.Network/privateEndpoints",
    location: endpoint.location,
    ...(Object.keys(endpoint.tags).length > 0 ? { tags: { ...endpoint.tags } } : {}),
    properties: {
      provisioningState: endpoint.provisioningState,
      resourceGuid: endpoint.etag.replace(/"/g, ""),
      privateLinkServiceConnections: endpoint.links.filter((l) => !l.manual).map((l) => linkBody(endpoint, l)),
      manualPrivateLinkServiceConnections: endpoint.links.filter((l) => l.manual).map((l) => linkBody(endpoint, l)),
      subnet: { id: endpoint.subnetId },
      networkInterfaces: [{ id: endpoint.nicId }],
      customDnsConfigs: [...byFqdn].map(([fqdn, ipAddresses]) => ({ fqdn, ipAddresses })),
      applicationSecurityGroups: [],
      ipConfigurations: [],
      customNetworkInterfaceName: endpoint.customNetworkInterfaceName ?? "",
      isIPv6EnabledPrivateEndpoint: false,
    },
  };
}

/** `Microsoft.Network/networkInterfaces` for a private endpoint's NIC. */
export function networkInterfaceBody(nic: NicRecord): Json {
  return {
    name: nic.name,
    id: nic.id,
    etag: nic.etag,
    location: nic.location,
    type: "Microsoft.Network/networkInterfaces",
    properties: {
      provisioningState: "Succeeded",
      ipConfigurations: nic.ipConfigs.map((c, i) => ({
        name: c.name,
        id: `${nic.id}/ipConfigurations/${c.name}`,
        etag: nic.etag,
        type: "Microsoft.Network/networkInterfaces/ipConfigurations",
        properties: {
          provisioningState: "Succeeded",
          privateIPAddress: c.privateIp,
          privateIPAllocationMethod: "Dynamic",
          subnet: { id: nic.subnetId },
          primary: i === 0,
          privateIPAddressVersion: "IPv4",
          privateLinkConnectionProperties: { groupId: c.groupId, requiredMemberName: c.memberName, fqdns: [c.fqdn] },
        },
      })),
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      macAddress: "",
      enableAcceleratedNetworking: false,
      vnetEncryptionSupported: false,
      enableIPForwarding: false,
      disableTcpStateTracking: false,
      primary: true,
      privateEndpoint: { id: nic.endpointId },
      hostedWorkloads: [],
      nicType: "Standard",
    },
  };
}

/** A connection as its PaaS resource returns it, with the provider's own field names. */
export function connectionBody(connection: ConnectionRecord): Json {
  const service = privateLinkServiceFor(connection.resourceType) as PrivateLinkService;
  const { status, description, actionsRequired } = connection.state;
  return {
    id: connection.id,
    name: connection.name,
    type: `${service.resourceType}/privateEndpointConnections`,
    ...(service.connectionEtag ? { etag: connection.etag } : {}),
    properties: {
      provisioningState: connection.provisioningState,
      privateEndpoint: { id: connection.endpointId },
      ...(service.connectionGroupIds ? { groupIds: [...connection.groupIds] } : {}),
      privateLinkServiceConnectionState: { status, description, [service.actionsKey]: actionsRequired },
    },
  };
}

/** A connection as a Key Vault embeds it (PrivateEndpointConnectionItem: no name or type). */
function connectionItemBody(connection: ConnectionRecord): Json {
  const { id, etag, properties } = connectionBody(connection);
  return { id, ...(etag !== undefined ? { etag } : {}), properties };
}

/** The PaaS resource itself (generic `resources.getById` shape plus provider properties). */
export function resourceBody(estate: Estate, resource: PaasResource, connections: readonly ConnectionRecord[] = estate.listConnections(resource.id)): Json {
  const service = privateLinkServiceFor(resource.type) as PrivateLinkService;
  return {
    id: resource.id,
    name: resource.name,
    type: service.resourceType,
    location: resource.location,
    tags: { ...resource.tags },
    properties: {
      ...service.resourceProperties(resource),
      privateEndpointConnections: connections.map((c) => (service.embedsConnectionItems ? connectionItemBody(c) : connectionBody(c))),
    },
  };
}

/** `privateLinkResources` of a PaaS resource. */
export function privateLinkResourceBodies(resource: PaasResource): Json[] {
  const service = privateLinkServiceFor(resource.type) as PrivateLinkService;
  return service.groups.map((g) => ({
    id: `${resource.id}/privateLinkResources/${g.groupId}`,
    name: g.groupId,
    type: `${service.resourceType}/privateLinkResources`,
    properties: { groupId: g.groupId, requiredMembers: [...g.requiredMembers], requiredZoneNames: g.requiredZoneNames(resource.location) },
  }));
}

/** `Microsoft.Network/privateEndpoints/privateDnsZoneGroups`. */
export function zoneGroupBody(group: ZoneGroupRecord, provisioningState = "Succeeded"): Json {
  return {
    name: group.name,
    id: group.id,
    etag: group.etag,
    properties: {
      provisioningState,
      privateDnsZoneConfigs: group.configs.map((c) => ({
        name: c.name,
        properties: { privateDnsZoneId: c.zoneId, recordSets: c.recordSets.map((r) => ({ ...r, ipAddresses: [...r.ipAddresses], provisioningState: "Succeeded", ttl: 10 })) },
      })),
    },
  };
}

/** `Microsoft.Network/privateDnsZones` (PrivateZoneGet.json). */
export function zoneBody(estate: Estate, zone: ZoneRecord): Json {
  return {
    id: zone.id,
    name: zone.name,
    type: "Microsoft.Network/privateDnsZones",
    location: "global",
    etag: zone.etag,
    tags: { ...zone.tags },
    properties: {
      maxNumberOfRecordSets: 25000,
      numberOfRecordSets: estate.listRecordSets(zone).length + 1,
      maxNumberOfVirtualNetworkLinks: 1000,
      numberOfVirtualNetworkLinks: zone.virtualNetworkLinks.length,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfVirtualNetworkLinksWithRegistration: zone.virtualNetworkLinks.filter((l) => l.registrationEnabled).length,
      provisioningState: "Succeeded",
      internalId: zone.etag,
    },
  };
}

export function virtualNetworkLinkBody(link: VirtualNetworkLinkRecord): Json {
  return {
    id: link.id,
    name: link.name,
    type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    location: "global",
    etag: link.etag,
    tags: { ...link.tags },
    properties: {
      virtualNetwork: { id: link.virtualNetworkId },
      registrationEnabled: link.registrationEnabled,
      resolutionPolicy: link.resolutionPolicy,
      virtualNetworkLinkState: "Completed",
      provisioningState: "Succeeded",
    },
  };
}

/** A record set (RecordSetAGet.json / RecordSetCNAMEPut.json). */
export function recordSetBody(record: RecordSetRecord): Json {
  return {
    id: `${record.zoneId}/${record.type}/${record.name}`,
    etag: record.etag,
    name: record.name,
    type: `Microsoft.Network/privateDnsZones/${record.type}`,
    properties: {
      metadata: { ...record.metadata },
      ttl: record.ttl,
      fqdn: record.name === "@" ? `${record.zoneName}.` : `${record.name}.${record.zoneName}.`,
      isAutoRegistered: false,
      ...(record.type === "A" ? { aRecords: record.aRecords.map((ipv4Address) => ({ ipv4Address })) } : { cnameRecord: { cname: record.cname ?? "" } }),
    },
  };
}

/** The SOA record set every private zone has (listed with ALL, never written by the emulator). */
export function soaRecordSetBody(zone: ZoneRecord): Json {
  return {
    id: `${zone.id}/SOA/@`,
    etag: zone.etag,
    name: "@",
    type: "Microsoft.Network/privateDnsZones/SOA",
    properties: {
      ttl: 3600,
      fqdn: `${zone.name}.`,
      isAutoRegistered: false,
      soaRecord: {
        email: "azureprivatedns-host.microsoft.com",
        expireTime: 2419200,
        host: "azureprivatedns.net",
        minimumTtl: 10,
        refreshTime: 3600,
        retryTime: 300,
        serialNumber: 1,
      },
    },
  };
}
