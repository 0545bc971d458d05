/**
 * @module The service table: for each Private Link resource type and sub-resource (groupId), the
 * private DNS zones Azure publishes, and how an endpoint FQDN maps to a zone and a relative record name.
 *
 * Source: the commercial-cloud tables of "Azure Private Endpoint private DNS zone values"
 * (https://learn.microsoft.com/azure/private-link/private-endpoint-dns), plus Batch's legacy regional zone
 * from "Use private endpoints with Azure Batch accounts". Government and China clouds are not in the table.
 *
 * Mapping rule: Azure's public DNS answers `<host>.<suffix>` with a CNAME to `<host>.privatelink.<suffix>`,
 * so the private zone `privatelink.<suffix>` holds the record `<host>`. Each rule pairs a public forwarder
 * with its zone; the record name is relative to the zone without its `privatelink` label (or to the
 * forwarder when the two differ, as for Key Vault's `vault.azure.net` -> `privatelink.vaultcore.azure.net`).
 * Placeholders (`{regionName}`, `{dnsPrefix}`, `{regionCode}`, ...) are single DNS labels bound from the FQDN
 * itself, not from the endpoint's location: an endpoint may sit in another region than its target, and the
 * names follow the target.
 */

/** One public forwarder and the private zone that serves it. Templates may hold `{placeholder}` labels. */
export interface ZoneRule {
  /** The public DNS suffix that selects this zone, e.g. `{regionName}.batch.azure.com`. */
  forwarder: string;
  /** The private DNS zone name, e.g. `privatelink.batch.azure.com`. */
  zone: string;
  /** A zone Azure has superseded but that estates may still use (Batch's `privatelink.{regionName}.batch.azure.com`). */
  legacy: boolean;
}

/** The zones of one resource type for the groupIds listed. */
export interface ServiceZones {
  resourceType: string;
  groupIds: readonly string[];
  rules: readonly ZoneRule[];
  /** Forwarders Azure lists for the service without any private zone; FQDNs under them cannot be mapped. */
  forwardersWithoutZone: readonly string[];
}

/** Where one FQDN lives in private DNS. Names and zones are lower case. */
export interface PrivateName {
  zone: string;
  /** Relative to `zone`, e.g. `myacct.eastus`; may start with `*`. */
  name: string;
}

export type UnmappedReason = "unknownService" | "noPrivateZone" | "unknownSuffix";

export type FqdnMapping =
  | {
      kind: "mapped";
      /** The current zone and record name (the longest matching forwarder). */
      name: PrivateName;
      /** The same FQDN in superseded zones, for estates that still use them. */
      legacyNames: PrivateName[];
    }
  | { kind: "unmapped"; reason: UnmappedReason; detail: string };

type RuleSpec = readonly [forwarder: string, zone: string] | readonly [forwarder: string, zone: string, flag: "legacy"];

function service(resourceType: string, groupIds: readonly string[], rules: readonly RuleSpec[], forwardersWithoutZone: readonly string[] = []): ServiceZones {
  return {
    resourceType,
    groupIds,
    rules: rules.map(([forwarder, zone, flag]) => ({ forwarder, zone, legacy: flag === "legacy" })),
    forwardersWithoutZone,
  };
}

const BLOB: RuleSpec = ["blob.core.windows.net", "privatelink.blob.core.windows.net"];
const QUEUE: RuleSpec = ["queue.core.windows.net", "privatelink.queue.core.windows.net"];
const TABLE: RuleSpec = ["table.core.windows.net", "privatelink.table.core.windows.net"];
const SERVICE_BUS: RuleSpec = ["servicebus.windows.net", "privatelink.servicebus.windows.net"];
const IOT_HUB: RuleSpec = ["azure-devices.net", "privatelink.azure-devices.net"];
const DPS: RuleSpec = ["azure-devices-provisioning.net", "privatelink.azure-devices-provisioning.net"];
const EVENT_GRID: RuleSpec = ["eventgrid.azure.net", "privatelink.eventgrid.azure.net"];

/** Every commercial-cloud entry of Azure's published list, one row per resource type and groupId set. */
export const SERVICE_ZONES: readonly ServiceZones[] = [
  // AI + Machine Learning. The workspace's compute-instance, notebook-content and online-endpoint
  // forwarders have no published private zone: their FQDNs are reported, never guessed.
  service("Microsoft.MachineLearningServices/workspaces", ["amlworkspace"], [
    ["api.azureml.ms", "privatelink.api.azureml.ms"],
    ["notebooks.azure.net", "privatelink.notebooks.azure.net"],
  ], ["instances.azureml.ms", "aznbcontent.net", "inference.ml.azure.com"]),
  service("Microsoft.MachineLearningServices/registries", ["amlregistry"], [["api.azureml.ms", "privatelink.api.azureml.ms"]]),
  service("Microsoft.CognitiveServices/accounts", ["account"], [
    ["cognitiveservices.azure.com", "privatelink.cognitiveservices.azure.com"],
    ["openai.azure.com", "privatelink.openai.azure.com"],
    ["services.ai.azure.com", "privatelink.services.ai.azure.com"],
  ]),
  service("Microsoft.BotService/botServices", ["Bot"], [["directline.botframework.com", "privatelink.directline.botframework.com"]]),
  service("Microsoft.BotService/botServices", ["Token"], [["token.botframework.com", "privatelink.token.botframework.com"]]),

  // Analytics
  service("Microsoft.Synapse/workspaces", ["Sql", "SqlOnDemand"], [["sql.azuresynapse.net", "privatelink.sql.azuresynapse.net"]]),
  service("Microsoft.Synapse/workspaces", ["Dev"], [["dev.azuresynapse.net", "privatelink.dev.azuresynapse.net"]]),
  service("Microsoft.Synapse/privateLinkHubs", ["Web"], [["azuresynapse.net", "privatelink.azuresynapse.net"]]),
  service("Microsoft.EventHub/namespaces", ["namespace"], [SERVICE_BUS]),
  service("Microsoft.ServiceBus/namespaces", ["namespace"], [SERVICE_BUS]),
  service("Microsoft.DataFactory/factories", ["dataFactory"], [["datafactory.azure.net", "privatelink.datafactory.azure.net"]]),
  service("Microsoft.DataFactory/factories", ["portal"], [["adf.azure.com", "privatelink.adf.azure.com"]]),
  service("Microsoft.HDInsight/clusters", ["gateway", "headnode"], [["azurehdinsight.net", "privatelink.azurehdinsight.net"]]),
  service("Microsoft.Kusto/Clusters", ["cluster"], [
    ["{regionName}.kusto.windows.net", "privatelink.{regionName}.kusto.windows.net"],
    BLOB,
    QUEUE,
    TABLE,
  ]),
  service("Microsoft.PowerBI/privateLinkServicesForPowerBI", ["tenant"], [
    ["analysis.windows.net", "privatelink.analysis.windows.net"],
    ["pbidedicated.windows.net", "privatelink.pbidedicated.windows.net"],
    ["prod.powerquery.microsoft.com", "privatelink.prod.powerquery.microsoft.com"],
  ]),
  service("Microsoft.Databricks/workspaces", ["databricks_ui_api", "browser_authentication"], [["azuredatabricks.net", "privatelink.azuredatabricks.net"]]),
  service("Microsoft.Fabric/privateLinkServicesForFabric", ["workspace"], [["fabric.microsoft.com", "privatelink.fabric.microsoft.com"]]),

  // Compute. Batch's regional zone predates nodeManagement, which only ever used the current zone.
  service("Microsoft.Batch/batchAccounts", ["batchAccount"], [
    ["{regionName}.batch.azure.com", "privatelink.batch.azure.com"],
    ["{regionName}.batch.azure.com", "privatelink.{regionName}.batch.azure.com", "legacy"],
  ]),
  service("Microsoft.Batch/batchAccounts", ["nodeManagement"], [["{regionName}.service.batch.azure.com", "privatelink.batch.azure.com"]]),
  service("Microsoft.DesktopVirtualization/workspaces", ["global"], [["wvd.microsoft.com", "privatelink-global.wvd.microsoft.com"]]),
  service("Microsoft.DesktopVirtualization/workspaces", ["feed"], [["wvd.microsoft.com", "privatelink.wvd.microsoft.com"]]),
  service("Microsoft.DesktopVirtualization/hostpools", ["connection"], [["wvd.microsoft.com", "privatelink.wvd.microsoft.com"]]),

  // Containers. AKS's optional `{subzone}.privatelink.{regionName}.azmk8s.io` is a zone the cluster
  // owner chooses and AKS writes itself; ACR's data endpoints go into `privatelink.azurecr.io` (footnote 1).
  service("Microsoft.ContainerService/managedClusters", ["management"], [["{regionName}.azmk8s.io", "privatelink.{regionName}.azmk8s.io"]]),
  service("Microsoft.App/ManagedEnvironments", ["managedEnvironments"], [["azurecontainerapps.io", "privatelink.{regionName}.azurecontainerapps.io"]]),
  service("Microsoft.ContainerRegistry/registries", ["registry"], [["azurecr.io", "privatelink.azurecr.io"]]),

  // Databases
  service("Microsoft.Sql/servers", ["sqlServer"], [["database.windows.net", "privatelink.database.windows.net"]]),
  service("Microsoft.Sql/managedInstances", ["managedInstance"], [["{dnsPrefix}.database.windows.net", "privatelink.{dnsPrefix}.database.windows.net"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["Sql"], [["documents.azure.com", "privatelink.documents.azure.com"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["MongoDB"], [["mongo.cosmos.azure.com", "privatelink.mongo.cosmos.azure.com"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["Cassandra"], [["cassandra.cosmos.azure.com", "privatelink.cassandra.cosmos.azure.com"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["Gremlin"], [["gremlin.cosmos.azure.com", "privatelink.gremlin.cosmos.azure.com"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["Table"], [["table.cosmos.azure.com", "privatelink.table.cosmos.azure.com"]]),
  service("Microsoft.DocumentDB/databaseAccounts", ["Analytical"], [["analytics.cosmos.azure.com", "privatelink.analytics.cosmos.azure.com"]]),
  service("Microsoft.DBforPostgreSQL/serverGroupsv2", ["coordinator"], [["postgres.cosmos.azure.com", "privatelink.postgres.cosmos.azure.com"]]),
  service("Microsoft.DocumentDB/mongoClusters", ["MongoCluster"], [["mongocluster.cosmos.azure.com", "privatelink.mongocluster.cosmos.azure.com"]]),
  service("Microsoft.DBforPostgreSQL/servers", ["postgresqlServer"], [["postgres.database.azure.com", "privatelink.postgres.database.azure.com"]]),
  service("Microsoft.DBforPostgreSQL/flexibleServers", ["postgresqlServer"], [["postgres.database.azure.com", "privatelink.postgres.database.azure.com"]]),
  service("Microsoft.DBforMySQL/servers", ["mysqlServer"], [["mysql.database.azure.com", "privatelink.mysql.database.azure.com"]]),
  service("Microsoft.DBforMySQL/flexibleServers", ["mysqlServer"], [["mysql.database.azure.com", "privatelink.mysql.database.azure.com"]]),
  service("Microsoft.DBforMariaDB/servers", ["mariadbServer"], [["mariadb.database.azure.com", "privatelink.mariadb.database.azure.com"]]),
  service("Microsoft.Cache/Redis", ["redisCache"], [["redis.cache.windows.net", "privatelink.redis.cache.windows.net"]]),
  // Redis Enterprise and Azure Managed Redis share the resource type and groupId; the suffix tells them apart.
  // The published forwarder `{cachename}.{region}.redisenterprise...` starts with the record's own label.
  service("Microsoft.Cache/RedisEnterprise", ["redisEnterprise"], [
    ["{region}.redisenterprise.cache.azure.net", "privatelink.redisenterprise.cache.azure.net"],
    ["{region}.redis.azure.net", "privatelink.redis.azure.net"],
  ]),

  // Hybrid + multicloud
  service("Microsoft.HybridCompute/privateLinkScopes", ["hybridcompute"], [
    ["his.arc.azure.com", "privatelink.his.arc.azure.com"],
    ["guestconfiguration.azure.com", "privatelink.guestconfiguration.azure.com"],
    ["dp.kubernetesconfiguration.azure.com", "privatelink.dp.kubernetesconfiguration.azure.com"],
  ]),

  // Integration
  service("Microsoft.EventGrid/topics", ["topic"], [EVENT_GRID]),
  service("Microsoft.EventGrid/domains", ["domain"], [EVENT_GRID]),
  service("Microsoft.EventGrid/namespaces", ["topic"], [EVENT_GRID]),
  service("Microsoft.EventGrid/namespaces", ["topicSpace"], [["eventgrid.azure.net", "privatelink.ts.eventgrid.azure.net"]]),
  service("Microsoft.EventGrid/partnerNamespaces", ["partnernamespace"], [EVENT_GRID]),
  service("Microsoft.ApiManagement/service", ["Gateway"], [["azure-api.net", "privatelink.azure-api.net"]]),
  service("Microsoft.HealthcareApis/workspaces", ["healthcareworkspace"], [
    ["workspace.azurehealthcareapis.com", "privatelink.azurehealthcareapis.com"],
    ["fhir.azurehealthcareapis.com", "privatelink.azurehealthcareapis.com"],
    ["dicom.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com"],
  ]),

  // Internet of Things. IoT Central's published forwarders repeat its zone names; its FQDNs are the public ones.
  service("Microsoft.Devices/IotHubs", ["iotHub"], [IOT_HUB, SERVICE_BUS]),
  service("Microsoft.Devices/ProvisioningServices", ["iotDps"], [DPS]),
  service("Microsoft.DeviceUpdate/accounts", ["DeviceUpdate"], [["api.adu.microsoft.com", "privatelink.api.adu.microsoft.com"]]),
  service("Microsoft.IoTCentral/IoTApps", ["iotApp"], [["azureiotcentral.com", "privatelink.azureiotcentral.com"], IOT_HUB, SERVICE_BUS, DPS]),
  service("Microsoft.DigitalTwins/digitalTwinsInstances", ["API"], [["digitaltwins.azure.net", "privatelink.digitaltwins.azure.net"]]),

  // Media
  service("Microsoft.Media/mediaservices", ["keydelivery", "liveevent", "streamingendpoint"], [["media.azure.net", "privatelink.media.azure.net"]]),
  service("Microsoft.VideoIndexer/accounts", ["account"], [["api.videoindexer.ai", "privatelink.api.videoindexer.ai"]]),

  // Management and Governance
  service("Microsoft.Automation/automationAccounts", ["Webhook", "DSCAndHybridWorker"], [["{regionCode}.azure-automation.net", "privatelink.azure-automation.net"]]),
  service("Microsoft.RecoveryServices/vaults", ["AzureBackup", "AzureBackup_secondary"], [
    ["{regionCode}.backup.windowsazure.com", "privatelink.{regionCode}.backup.windowsazure.com"],
    BLOB,
    QUEUE,
  ]),
  service("Microsoft.RecoveryServices/vaults", ["AzureSiteRecovery"], [["{regionCode}.siterecovery.windowsazure.com", "privatelink.siterecovery.windowsazure.com"]]),
  service("Microsoft.Insights/privateLinkScopes", ["azuremonitor"], [
    ["monitor.azure.com", "privatelink.monitor.azure.com"],
    ["oms.opinsights.azure.com", "privatelink.oms.opinsights.azure.com"],
    ["ods.opinsights.azure.com", "privatelink.ods.opinsights.azure.com"],
    ["agentsvc.azure-automation.net", "privatelink.agentsvc.azure-automation.net"],
    BLOB,
  ], ["services.visualstudio.com", "applicationinsights.azure.com"]),
  service("Microsoft.Purview/accounts", ["account"], [["purview.azure.com", "privatelink.purview.azure.com"]]),
  service("Microsoft.Purview/accounts", ["portal"], [["purviewstudio.azure.com", "privatelink.purviewstudio.azure.com"]]),
  service("Microsoft.Purview/accounts", ["platform"], [["purview-service.microsoft.com", "privatelink.purview-service.microsoft.com"]]),
  service("Microsoft.Migrate/migrateProjects", ["Default"], [["prod.migration.windowsazure.com", "privatelink.prod.migration.windowsazure.com"]]),
  service("Microsoft.Migrate/assessmentProjects", ["Default"], [["prod.migration.windowsazure.com", "privatelink.prod.migration.windowsazure.com"]]),
  service("Microsoft.Authorization/resourceManagementPrivateLinks", ["ResourceManagement"], [["azure.com", "privatelink.azure.com"]]),
  service("Microsoft.Dashboard/grafana", ["grafana"], [["grafana.azure.com", "privatelink.grafana.azure.com"]]),
  service("Microsoft.Monitor/accounts", ["prometheusMetrics"], [["{region}.prometheus.monitor.azure.com", "privatelink.{region}.prometheus.monitor.azure.com"]]),

  // Security
  service("Microsoft.KeyVault/vaults", ["vault"], [
    ["vault.azure.net", "privatelink.vaultcore.azure.net"],
    ["vaultcore.azure.net", "privatelink.vaultcore.azure.net"],
  ]),
  service("Microsoft.KeyVault/managedHSMs", ["managedhsm"], [["managedhsm.azure.net", "privatelink.managedhsm.azure.net"]]),
  service("Microsoft.AppConfiguration/configurationStores", ["configurationStores"], [["azconfig.io", "privatelink.azconfig.io"]]),
  service("Microsoft.Attestation/attestationProviders", ["standard"], [["attest.azure.net", "privatelink.attest.azure.net"]]),

  // Storage
  service("Microsoft.Storage/storageAccounts", ["blob", "blob_secondary"], [BLOB]),
  service("Microsoft.Storage/storageAccounts", ["table", "table_secondary"], [TABLE]),
  service("Microsoft.Storage/storageAccounts", ["queue", "queue_secondary"], [QUEUE]),
  service("Microsoft.Storage/storageAccounts", ["file"], [["file.core.windows.net", "privatelink.file.core.windows.net"]]),
  service("Microsoft.Storage/storageAccounts", ["web", "web_secondary"], [["web.core.windows.net", "privatelink.web.core.windows.net"]]),
  service("Microsoft.Storage/storageAccounts", ["dfs", "dfs_secondary"], [["dfs.core.windows.net", "privatelink.dfs.core.windows.net"]]),
  service("Microsoft.StorageSync/storageSyncServices", ["afs"], [["afs.azure.net", "privatelink.afs.azure.net"]]),
  service("Microsoft.Compute/diskAccesses", ["disks"], [BLOB]),
  service("Microsoft.ElasticSan/elasticSans", ["volumegroup"], [["blob.storage.azure.net", "privatelink.blob.core.windows.net"]]),
  service("Microsoft.FileShares/fileShares", ["FileShare"], [["file.core.windows.net", "privatelink.file.core.windows.net"]]),

  // Web. The Kudu (`scm`) record goes into `privatelink.azurewebsites.net` (footnote 3).
  service("Microsoft.Search/searchServices", ["searchService"], [["search.windows.net", "privatelink.search.windows.net"]]),
  service("Microsoft.Relay/namespaces", ["namespace"], [SERVICE_BUS]),
  service("Microsoft.Web/sites", ["sites"], [["azurewebsites.net", "privatelink.azurewebsites.net"]]),
  service("Microsoft.SignalRService/SignalR", ["signalr"], [["service.signalr.net", "privatelink.service.signalr.net"]]),
  service("Microsoft.Web/staticSites", ["staticSites"], [
    ["azurestaticapps.net", "privatelink.azurestaticapps.net"],
    ["{partitionId}.azurestaticapps.net", "privatelink.{partitionId}.azurestaticapps.net"],
  ]),
  service("Microsoft.Maps/accounts", ["account"], [["account.maps.azure.com", "privatelink.account.maps.azure.com"]]),
  service("Microsoft.SignalRService/WebPubSub", ["webpubsub"], [["webpubsub.azure.com", "privatelink.webpubsub.azure.com"]]),
];

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;
const PRIVATELINK_LABEL = /^privatelink(-global)?$/;

interface CompiledRule {
  rule: ZoneRule;
  /** Matches `<host>.<pattern>`; group 1 is the host, named groups bind placeholders. */
  regex: RegExp;
  /** Template the record name is relative to. */
  relativeTo: string;
  /** Template the FQDN must end with (the longer of forwarder and relativeTo). */
  pattern: string;
}

interface CompiledService {
  zones: ServiceZones;
  rules: CompiledRule[];
}

function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function fill(template: string, bindings: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, key: string) => bindings[key] ?? `{${key}}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `privatelink.blob.core.windows.net` -> `blob.core.windows.net`: the public suffix Azure's CNAME extends. */
function publicSuffixOf(zone: string): string {
  return zone
    .split(".")
    .filter((label) => !PRIVATELINK_LABEL.test(label))
    .join(".");
}

function compileRule(zones: ServiceZones, rule: ZoneRule): CompiledRule {
  const derived = publicSuffixOf(rule.zone);
  const forwarder = rule.forwarder;
  // Batch: forwarder `{regionName}.batch.azure.com` is longer than the derived `batch.azure.com`.
  // Container Apps: the derived `{regionName}.azurecontainerapps.io` is longer than the forwarder.
  // Key Vault: `vault.azure.net` and `vaultcore.azure.net` are unrelated; the name is relative to the forwarder.
  const compatible = forwarder.endsWith(`.${derived}`) || derived.endsWith(`.${forwarder}`) || forwarder === derived;
  const relativeTo = compatible ? derived : forwarder;
  const pattern = compatible && derived.length > forwarder.length ? derived : forwarder;
  const bound = new Set(placeholdersOf(pattern));
  const unbound = placeholdersOf(rule.zone).find((p) => !bound.has(p));
  if (unbound !== undefined) {
    throw new RangeError(`Zone rule ${rule.zone} for ${zones.resourceType}: placeholder {${unbound}} is not in its forwarder ${pattern}; expected every zone placeholder to be bound by the FQDN`);
  }
  const body = escapeRegExp(pattern).replace(/\\\{([A-Za-z]+)\\\}/g, (_, key: string) => `(?<${key}>[a-z0-9-]+)`);
  return { rule, regex: new RegExp(`^(.+)\\.${body}$`), relativeTo, pattern };
}

const COMPILED = new Map<string, CompiledService>();
for (const zones of SERVICE_ZONES) {
  const compiled: CompiledService = { zones, rules: zones.rules.map((rule) => compileRule(zones, rule)) };
  for (const groupId of zones.groupIds) {
    const key = serviceKey(zones.resourceType, groupId);
    if (COMPILED.has(key)) throw new RangeError(`The service table lists ${zones.resourceType} groupId ${groupId} twice; expected one row per resource type and groupId`);
    COMPILED.set(key, compiled);
  }
}

function serviceKey(resourceType: string, groupId: string): string {
  return `${resourceType.toLowerCase()}|${groupId.toLowerCase()}`;
}

/** The zones Azure publishes for a resource type and groupId (both case-insensitive), or `undefined`. */
export function zonesFor(resourceType: string, groupId: string): ServiceZones | undefined {
  return COMPILED.get(serviceKey(resourceType, groupId))?.zones;
}

/** Lower case, no trailing dot; a `privatelink` label Azure already put in the FQDN (AKS) is dropped. */
function publicFqdn(fqdn: string): string {
  const labels = fqdn.trim().toLowerCase().replace(/\.$/, "").split(".");
  const at = labels.findIndex((label, i) => i > 0 && PRIVATELINK_LABEL.test(label));
  if (at > 0) labels.splice(at, 1);
  return labels.join(".");
}

interface RuleMatch {
  rule: ZoneRule;
  name: PrivateName;
  /** Labels in the bound forwarder pattern: the longer, the more specific. */
  specificity: number;
}

function matchRule(fqdn: string, compiled: CompiledRule): RuleMatch | undefined {
  const match = compiled.regex.exec(fqdn);
  if (match === null) return undefined;
  const bindings = match.groups ?? {};
  const relativeTo = fill(compiled.relativeTo, bindings);
  return {
    rule: compiled.rule,
    name: { zone: fill(compiled.rule.zone, bindings), name: fqdn.slice(0, fqdn.length - relativeTo.length - 1) },
    specificity: compiled.pattern.split(".").length,
  };
}

/**
 * Maps an endpoint FQDN to its private zone and record name for a resource type and groupId.
 * The longest matching forwarder wins; for services with a superseded zone (Batch), the same FQDN's
 * name in that zone comes back in `legacyNames`.
 */
export function mapFqdn(fqdn: string, resourceType: string, groupId: string): FqdnMapping {
  const compiled = COMPILED.get(serviceKey(resourceType, groupId));
  if (compiled === undefined) {
    return { kind: "unmapped", reason: "unknownService", detail: `no private DNS zone is published for ${resourceType} groupId ${groupId}` };
  }
  const host = publicFqdn(fqdn);
  const matches = compiled.rules.map((rule) => matchRule(host, rule)).filter((m): m is RuleMatch => m !== undefined);
  const current = matches.filter((m) => !m.rule.legacy).sort((a, b) => b.specificity - a.specificity)[0];
  if (current !== undefined) {
    const legacyNames = matches.filter((m) => m.rule.legacy).map((m) => m.name);
    return { kind: "mapped", name: current.name, legacyNames };
  }
  const forwarder = compiled.zones.forwardersWithoutZone.find((f) => host.endsWith(`.${f}`));
  if (forwarder !== undefined) {
    return { kind: "unmapped", reason: "noPrivateZone", detail: `${host}: Azure publishes no private DNS zone for the forwarder ${forwarder} of ${resourceType} groupId ${groupId}` };
  }
  const known = compiled.zones.rules.map((r) => r.forwarder).join(", ");
  return { kind: "unmapped", reason: "unknownSuffix", detail: `${host} is not under any forwarder of ${resourceType} groupId ${groupId} (expected one of ${known})` };
}

/** The current private zone and record name for an FQDN, or `undefined` when it cannot be mapped. */
export function privateNameFor(fqdn: string, resourceType: string, groupId: string): PrivateName | undefined {
  const mapping = mapFqdn(fqdn, resourceType, groupId);
  return mapping.kind === "mapped" ? mapping.name : undefined;
}

/**
 * The zones among `zones` that can hold records for a resource type (any groupId, current or legacy).
 * Lets a run for one endpoint or resource read only the zones that matter instead of all of them.
 */
export function zonesServing<Z extends { name: string }>(resourceType: string, zones: readonly Z[]): Z[] {
  const type = resourceType.toLowerCase();
  const patterns = SERVICE_ZONES.filter((s) => s.resourceType.toLowerCase() === type)
    .flatMap((s) => s.rules.map((r) => r.zone))
    .map((zone) => new RegExp(`^${zone.split(/(\{[A-Za-z]+\})/).map((part) => (/^\{[A-Za-z]+\}$/.test(part) ? "[a-z0-9-]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i"));
  return zones.filter((z) => patterns.some((p) => p.test(z.name)));
}
