import { describe, expect, it } from "vitest";
import { mapFqdn, privateNameFor, SERVICE_ZONES, zonesFor, zonesServing } from "../../../shared/dns/zones";

const WS = "fb7e20a0-8891-458b-b969-55ddb3382f51";

/** One typical FQDN per row of Azure's published commercial table: [type, groupId, fqdn, zone, name]. */
const PUBLISHED: [string, string, string, string, string][] = [
  ["Microsoft.MachineLearningServices/workspaces", "amlworkspace", `${WS}.workspace.eastus.api.azureml.ms`, "privatelink.api.azureml.ms", `${WS}.workspace.eastus`],
  ["Microsoft.MachineLearningServices/workspaces", "amlworkspace", `${WS}.workspace.eastus.cert.api.azureml.ms`, "privatelink.api.azureml.ms", `${WS}.workspace.eastus.cert`],
  ["Microsoft.MachineLearningServices/workspaces", "amlworkspace", `ml-myws-eastus-${WS}.eastus.notebooks.azure.net`, "privatelink.notebooks.azure.net", `ml-myws-eastus-${WS}.eastus`],
  ["Microsoft.MachineLearningServices/workspaces", "amlworkspace", `*.${WS}.inference.eastus.api.azureml.ms`, "privatelink.api.azureml.ms", `*.${WS}.inference.eastus`],
  ["Microsoft.MachineLearningServices/registries", "amlregistry", `${WS}.registry.eastus.api.azureml.ms`, "privatelink.api.azureml.ms", `${WS}.registry.eastus`],
  ["Microsoft.CognitiveServices/accounts", "account", "myai.cognitiveservices.azure.com", "privatelink.cognitiveservices.azure.com", "myai"],
  ["Microsoft.CognitiveServices/accounts", "account", "myai.openai.azure.com", "privatelink.openai.azure.com", "myai"],
  ["Microsoft.CognitiveServices/accounts", "account", "myai.services.ai.azure.com", "privatelink.services.ai.azure.com", "myai"],
  ["Microsoft.BotService/botServices", "Bot", "mybot.directline.botframework.com", "privatelink.directline.botframework.com", "mybot"],
  ["Microsoft.BotService/botServices", "Token", "mybot.token.botframework.com", "privatelink.token.botframework.com", "mybot"],
  ["Microsoft.Synapse/workspaces", "Sql", "syn.sql.azuresynapse.net", "privatelink.sql.azuresynapse.net", "syn"],
  ["Microsoft.Synapse/workspaces", "SqlOnDemand", "syn-ondemand.sql.azuresynapse.net", "privatelink.sql.azuresynapse.net", "syn-ondemand"],
  ["Microsoft.Synapse/workspaces", "Dev", "syn.dev.azuresynapse.net", "privatelink.dev.azuresynapse.net", "syn"],
  ["Microsoft.Synapse/privateLinkHubs", "Web", "web.azuresynapse.net", "privatelink.azuresynapse.net", "web"],
  ["Microsoft.EventHub/namespaces", "namespace", "ehns.servicebus.windows.net", "privatelink.servicebus.windows.net", "ehns"],
  ["Microsoft.ServiceBus/namespaces", "namespace", "sbns.servicebus.windows.net", "privatelink.servicebus.windows.net", "sbns"],
  ["Microsoft.DataFactory/factories", "dataFactory", "adf1.eastus.datafactory.azure.net", "privatelink.datafactory.azure.net", "adf1.eastus"],
  ["Microsoft.DataFactory/factories", "portal", "portal.adf.azure.com", "privatelink.adf.azure.com", "portal"],
  ["Microsoft.HDInsight/clusters", "gateway", "hdi1.azurehdinsight.net", "privatelink.azurehdinsight.net", "hdi1"],
  ["Microsoft.HDInsight/clusters", "headnode", "hdi1-int.azurehdinsight.net", "privatelink.azurehdinsight.net", "hdi1-int"],
  ["Microsoft.Kusto/Clusters", "cluster", "adx1.eastus.kusto.windows.net", "privatelink.eastus.kusto.windows.net", "adx1"],
  ["Microsoft.Kusto/Clusters", "cluster", "kadx1eastus00.blob.core.windows.net", "privatelink.blob.core.windows.net", "kadx1eastus00"],
  ["Microsoft.Kusto/Clusters", "cluster", "kadx1eastus00.queue.core.windows.net", "privatelink.queue.core.windows.net", "kadx1eastus00"],
  ["Microsoft.Kusto/Clusters", "cluster", "kadx1eastus00.table.core.windows.net", "privatelink.table.core.windows.net", "kadx1eastus00"],
  ["Microsoft.PowerBI/privateLinkServicesForPowerBI", "tenant", "tenant1-api.analysis.windows.net", "privatelink.analysis.windows.net", "tenant1-api"],
  ["Microsoft.PowerBI/privateLinkServicesForPowerBI", "tenant", "tenant1.pbidedicated.windows.net", "privatelink.pbidedicated.windows.net", "tenant1"],
  ["Microsoft.PowerBI/privateLinkServicesForPowerBI", "tenant", "tenant1.prod.powerquery.microsoft.com", "privatelink.prod.powerquery.microsoft.com", "tenant1"],
  ["Microsoft.Databricks/workspaces", "databricks_ui_api", "adb-123.4.azuredatabricks.net", "privatelink.azuredatabricks.net", "adb-123.4"],
  ["Microsoft.Databricks/workspaces", "browser_authentication", "eastus-c2.pl-auth.azuredatabricks.net", "privatelink.azuredatabricks.net", "eastus-c2.pl-auth"],
  ["Microsoft.Fabric/privateLinkServicesForFabric", "workspace", "ws1.z1.w.api.fabric.microsoft.com", "privatelink.fabric.microsoft.com", "ws1.z1.w.api"],
  ["Microsoft.Batch/batchAccounts", "batchAccount", "myacct.eastus.batch.azure.com", "privatelink.batch.azure.com", "myacct.eastus"],
  ["Microsoft.Batch/batchAccounts", "nodeManagement", "myacct.eastus.service.batch.azure.com", "privatelink.batch.azure.com", "myacct.eastus.service"],
  ["Microsoft.DesktopVirtualization/workspaces", "global", "rdweb.wvd.microsoft.com", "privatelink-global.wvd.microsoft.com", "rdweb"],
  ["Microsoft.DesktopVirtualization/workspaces", "feed", "ws1.rdweb.wvd.microsoft.com", "privatelink.wvd.microsoft.com", "ws1.rdweb"],
  ["Microsoft.DesktopVirtualization/hostpools", "connection", "hp1.rdbroker.wvd.microsoft.com", "privatelink.wvd.microsoft.com", "hp1.rdbroker"],
  ["Microsoft.ContainerService/managedClusters", "management", "aks1-dns-1.hcp.eastus.azmk8s.io", "privatelink.eastus.azmk8s.io", "aks1-dns-1.hcp"],
  ["Microsoft.ContainerService/managedClusters", "management", "aks1-dns-1.guid1.privatelink.eastus.azmk8s.io", "privatelink.eastus.azmk8s.io", "aks1-dns-1.guid1"],
  ["Microsoft.App/ManagedEnvironments", "managedEnvironments", "happyhill-1.eastus.azurecontainerapps.io", "privatelink.eastus.azurecontainerapps.io", "happyhill-1"],
  ["Microsoft.ContainerRegistry/registries", "registry", "myreg.azurecr.io", "privatelink.azurecr.io", "myreg"],
  ["Microsoft.ContainerRegistry/registries", "registry", "myreg.eastus.data.azurecr.io", "privatelink.azurecr.io", "myreg.eastus.data"],
  ["Microsoft.Sql/servers", "sqlServer", "sql1.database.windows.net", "privatelink.database.windows.net", "sql1"],
  ["Microsoft.Sql/managedInstances", "managedInstance", "mi1.abc123.database.windows.net", "privatelink.abc123.database.windows.net", "mi1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Sql", "cos1.documents.azure.com", "privatelink.documents.azure.com", "cos1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Sql", "cos1-eastus.documents.azure.com", "privatelink.documents.azure.com", "cos1-eastus"],
  ["Microsoft.DocumentDB/databaseAccounts", "MongoDB", "cos1.mongo.cosmos.azure.com", "privatelink.mongo.cosmos.azure.com", "cos1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Cassandra", "cos1.cassandra.cosmos.azure.com", "privatelink.cassandra.cosmos.azure.com", "cos1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Gremlin", "cos1.gremlin.cosmos.azure.com", "privatelink.gremlin.cosmos.azure.com", "cos1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Table", "cos1.table.cosmos.azure.com", "privatelink.table.cosmos.azure.com", "cos1"],
  ["Microsoft.DocumentDB/databaseAccounts", "Analytical", "cos1.analytics.cosmos.azure.com", "privatelink.analytics.cosmos.azure.com", "cos1"],
  ["Microsoft.DBforPostgreSQL/serverGroupsv2", "coordinator", "c-grp1.abc.postgres.cosmos.azure.com", "privatelink.postgres.cosmos.azure.com", "c-grp1.abc"],
  ["Microsoft.DocumentDB/mongoClusters", "MongoCluster", "mc1.global.mongocluster.cosmos.azure.com", "privatelink.mongocluster.cosmos.azure.com", "mc1.global"],
  ["Microsoft.DBforPostgreSQL/servers", "postgresqlServer", "pg1.postgres.database.azure.com", "privatelink.postgres.database.azure.com", "pg1"],
  ["Microsoft.DBforPostgreSQL/flexibleServers", "postgresqlServer", "pgf1.postgres.database.azure.com", "privatelink.postgres.database.azure.com", "pgf1"],
  ["Microsoft.DBforMySQL/servers", "mysqlServer", "my1.mysql.database.azure.com", "privatelink.mysql.database.azure.com", "my1"],
  ["Microsoft.DBforMySQL/flexibleServers", "mysqlServer", "myf1.mysql.database.azure.com", "privatelink.mysql.database.azure.com", "myf1"],
  ["Microsoft.DBforMariaDB/servers", "mariadbServer", "maria1.mariadb.database.azure.com", "privatelink.mariadb.database.azure.com", "maria1"],
  ["Microsoft.Cache/Redis", "redisCache", "cache1.redis.cache.windows.net", "privatelink.redis.cache.windows.net", "cache1"],
  ["Microsoft.Cache/RedisEnterprise", "redisEnterprise", "cache1.eastus.redisenterprise.cache.azure.net", "privatelink.redisenterprise.cache.azure.net", "cache1.eastus"],
  ["Microsoft.Cache/RedisEnterprise", "redisEnterprise", "cache2.eastus.redis.azure.net", "privatelink.redis.azure.net", "cache2.eastus"],
  ["Microsoft.HybridCompute/privateLinkScopes", "hybridcompute", "gbl.his.arc.azure.com", "privatelink.his.arc.azure.com", "gbl"],
  ["Microsoft.HybridCompute/privateLinkScopes", "hybridcompute", "agentserviceapi.guestconfiguration.azure.com", "privatelink.guestconfiguration.azure.com", "agentserviceapi"],
  ["Microsoft.HybridCompute/privateLinkScopes", "hybridcompute", "eastus.dp.kubernetesconfiguration.azure.com", "privatelink.dp.kubernetesconfiguration.azure.com", "eastus"],
  ["Microsoft.EventGrid/topics", "topic", "topic1.eastus-1.eventgrid.azure.net", "privatelink.eventgrid.azure.net", "topic1.eastus-1"],
  ["Microsoft.EventGrid/domains", "domain", "dom1.eastus-1.eventgrid.azure.net", "privatelink.eventgrid.azure.net", "dom1.eastus-1"],
  ["Microsoft.EventGrid/namespaces", "topic", "ns1.eastus-1.eventgrid.azure.net", "privatelink.eventgrid.azure.net", "ns1.eastus-1"],
  ["Microsoft.EventGrid/namespaces", "topicSpace", "ns1.eastus-1.ts.eventgrid.azure.net", "privatelink.ts.eventgrid.azure.net", "ns1.eastus-1"],
  ["Microsoft.EventGrid/partnerNamespaces", "partnernamespace", "pns1.eastus-1.eventgrid.azure.net", "privatelink.eventgrid.azure.net", "pns1.eastus-1"],
  ["Microsoft.ApiManagement/service", "Gateway", "apim1.azure-api.net", "privatelink.azure-api.net", "apim1"],
  ["Microsoft.HealthcareApis/workspaces", "healthcareworkspace", "hw1.workspace.azurehealthcareapis.com", "privatelink.azurehealthcareapis.com", "hw1.workspace"],
  ["Microsoft.HealthcareApis/workspaces", "healthcareworkspace", "hw1-fhir1.fhir.azurehealthcareapis.com", "privatelink.azurehealthcareapis.com", "hw1-fhir1.fhir"],
  ["Microsoft.HealthcareApis/workspaces", "healthcareworkspace", "hw1-dicom1.dicom.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com", "hw1-dicom1"],
  ["Microsoft.Devices/IotHubs", "iotHub", "hub1.azure-devices.net", "privatelink.azure-devices.net", "hub1"],
  ["Microsoft.Devices/IotHubs", "iotHub", "iothub-ns-hub1-1.servicebus.windows.net", "privatelink.servicebus.windows.net", "iothub-ns-hub1-1"],
  ["Microsoft.Devices/ProvisioningServices", "iotDps", "dps1.azure-devices-provisioning.net", "privatelink.azure-devices-provisioning.net", "dps1"],
  ["Microsoft.DeviceUpdate/accounts", "DeviceUpdate", "adu1.api.adu.microsoft.com", "privatelink.api.adu.microsoft.com", "adu1"],
  ["Microsoft.IoTCentral/IoTApps", "iotApp", "app1.azureiotcentral.com", "privatelink.azureiotcentral.com", "app1"],
  ["Microsoft.IoTCentral/IoTApps", "iotApp", "iotc-1.azure-devices.net", "privatelink.azure-devices.net", "iotc-1"],
  ["Microsoft.IoTCentral/IoTApps", "iotApp", "iotc-1.servicebus.windows.net", "privatelink.servicebus.windows.net", "iotc-1"],
  ["Microsoft.IoTCentral/IoTApps", "iotApp", "iotc-dps.azure-devices-provisioning.net", "privatelink.azure-devices-provisioning.net", "iotc-dps"],
  ["Microsoft.DigitalTwins/digitalTwinsInstances", "API", "dt1.api.eus.digitaltwins.azure.net", "privatelink.digitaltwins.azure.net", "dt1.api.eus"],
  ["Microsoft.Media/mediaservices", "keydelivery", "ams1.keydelivery.eastus.media.azure.net", "privatelink.media.azure.net", "ams1.keydelivery.eastus"],
  ["Microsoft.Media/mediaservices", "liveevent", "ams1-live.channel.media.azure.net", "privatelink.media.azure.net", "ams1-live.channel"],
  ["Microsoft.Media/mediaservices", "streamingendpoint", "ams1-se.streaming.media.azure.net", "privatelink.media.azure.net", "ams1-se.streaming"],
  ["Microsoft.VideoIndexer/accounts", "account", "eastus.api.videoindexer.ai", "privatelink.api.videoindexer.ai", "eastus"],
  ["Microsoft.Automation/automationAccounts", "Webhook", "guid1.webhook.eus.azure-automation.net", "privatelink.azure-automation.net", "guid1.webhook.eus"],
  ["Microsoft.Automation/automationAccounts", "DSCAndHybridWorker", "guid1.jrds.eus.azure-automation.net", "privatelink.azure-automation.net", "guid1.jrds.eus"],
  ["Microsoft.RecoveryServices/vaults", "AzureBackup", "id1-ab-pod01-fc1.eus.backup.windowsazure.com", "privatelink.eus.backup.windowsazure.com", "id1-ab-pod01-fc1"],
  ["Microsoft.RecoveryServices/vaults", "AzureBackup_secondary", "id1-ab-pod01-fc1.wus.backup.windowsazure.com", "privatelink.wus.backup.windowsazure.com", "id1-ab-pod01-fc1"],
  ["Microsoft.RecoveryServices/vaults", "AzureBackup", "id1abprot1.blob.core.windows.net", "privatelink.blob.core.windows.net", "id1abprot1"],
  ["Microsoft.RecoveryServices/vaults", "AzureBackup", "id1abprot1.queue.core.windows.net", "privatelink.queue.core.windows.net", "id1abprot1"],
  ["Microsoft.RecoveryServices/vaults", "AzureSiteRecovery", "id1-asr-pod01-srs1.eus.siterecovery.windowsazure.com", "privatelink.siterecovery.windowsazure.com", "id1-asr-pod01-srs1.eus"],
  ["Microsoft.Insights/privateLinkScopes", "azuremonitor", "api.monitor.azure.com", "privatelink.monitor.azure.com", "api"],
  ["Microsoft.Insights/privateLinkScopes", "azuremonitor", "ws1.oms.opinsights.azure.com", "privatelink.oms.opinsights.azure.com", "ws1"],
  ["Microsoft.Insights/privateLinkScopes", "azuremonitor", "ws1.ods.opinsights.azure.com", "privatelink.ods.opinsights.azure.com", "ws1"],
  ["Microsoft.Insights/privateLinkScopes", "azuremonitor", "ws1.agentsvc.azure-automation.net", "privatelink.agentsvc.azure-automation.net", "ws1"],
  ["Microsoft.Insights/privateLinkScopes", "azuremonitor", "scadvisorcontentpl.blob.core.windows.net", "privatelink.blob.core.windows.net", "scadvisorcontentpl"],
  ["Microsoft.Purview/accounts", "account", "pv1.purview.azure.com", "privatelink.purview.azure.com", "pv1"],
  ["Microsoft.Purview/accounts", "portal", "web.purviewstudio.azure.com", "privatelink.purviewstudio.azure.com", "web"],
  ["Microsoft.Purview/accounts", "platform", "t1-api.purview-service.microsoft.com", "privatelink.purview-service.microsoft.com", "t1-api"],
  ["Microsoft.Migrate/migrateProjects", "Default", "mp1.prod.migration.windowsazure.com", "privatelink.prod.migration.windowsazure.com", "mp1"],
  ["Microsoft.Migrate/assessmentProjects", "Default", "ap1.prod.migration.windowsazure.com", "privatelink.prod.migration.windowsazure.com", "ap1"],
  ["Microsoft.Authorization/resourceManagementPrivateLinks", "ResourceManagement", "management.azure.com", "privatelink.azure.com", "management"],
  ["Microsoft.Dashboard/grafana", "grafana", "graf1-abc.eus.grafana.azure.com", "privatelink.grafana.azure.com", "graf1-abc.eus"],
  ["Microsoft.Monitor/accounts", "prometheusMetrics", "amw1-abc.eastus.prometheus.monitor.azure.com", "privatelink.eastus.prometheus.monitor.azure.com", "amw1-abc"],
  ["Microsoft.KeyVault/vaults", "vault", "kv1.vault.azure.net", "privatelink.vaultcore.azure.net", "kv1"],
  ["Microsoft.KeyVault/vaults", "vault", "kv1.vaultcore.azure.net", "privatelink.vaultcore.azure.net", "kv1"],
  ["Microsoft.KeyVault/managedHSMs", "managedhsm", "hsm1.managedhsm.azure.net", "privatelink.managedhsm.azure.net", "hsm1"],
  ["Microsoft.AppConfiguration/configurationStores", "configurationStores", "appcs1.azconfig.io", "privatelink.azconfig.io", "appcs1"],
  ["Microsoft.Attestation/attestationProviders", "standard", "att1.eus.attest.azure.net", "privatelink.attest.azure.net", "att1.eus"],
  ["Microsoft.Storage/storageAccounts", "blob", "acct.blob.core.windows.net", "privatelink.blob.core.windows.net", "acct"],
  ["Microsoft.Storage/storageAccounts", "blob_secondary", "acct-secondary.blob.core.windows.net", "privatelink.blob.core.windows.net", "acct-secondary"],
  ["Microsoft.Storage/storageAccounts", "table", "acct.table.core.windows.net", "privatelink.table.core.windows.net", "acct"],
  ["Microsoft.Storage/storageAccounts", "table_secondary", "acct-secondary.table.core.windows.net", "privatelink.table.core.windows.net", "acct-secondary"],
  ["Microsoft.Storage/storageAccounts", "queue", "acct.queue.core.windows.net", "privatelink.queue.core.windows.net", "acct"],
  ["Microsoft.Storage/storageAccounts", "queue_secondary", "acct-secondary.queue.core.windows.net", "privatelink.queue.core.windows.net", "acct-secondary"],
  ["Microsoft.Storage/storageAccounts", "file", "acct.file.core.windows.net", "privatelink.file.core.windows.net", "acct"],
  ["Microsoft.Storage/storageAccounts", "web", "acct.z13.web.core.windows.net", "privatelink.web.core.windows.net", "acct.z13"],
  ["Microsoft.Storage/storageAccounts", "web_secondary", "acct-secondary.z13.web.core.windows.net", "privatelink.web.core.windows.net", "acct-secondary.z13"],
  ["Microsoft.Storage/storageAccounts", "dfs", "acct.dfs.core.windows.net", "privatelink.dfs.core.windows.net", "acct"],
  ["Microsoft.Storage/storageAccounts", "dfs_secondary", "acct-secondary.dfs.core.windows.net", "privatelink.dfs.core.windows.net", "acct-secondary"],
  ["Microsoft.StorageSync/storageSyncServices", "afs", "sss1.eastus.afs.azure.net", "privatelink.afs.azure.net", "sss1.eastus"],
  ["Microsoft.Compute/diskAccesses", "disks", "md-abc.blob.core.windows.net", "privatelink.blob.core.windows.net", "md-abc"],
  ["Microsoft.ElasticSan/elasticSans", "volumegroup", "es-abc.z1.blob.storage.azure.net", "privatelink.blob.core.windows.net", "es-abc.z1"],
  ["Microsoft.FileShares/fileShares", "FileShare", "fs1.file.core.windows.net", "privatelink.file.core.windows.net", "fs1"],
  ["Microsoft.Search/searchServices", "searchService", "srch1.search.windows.net", "privatelink.search.windows.net", "srch1"],
  ["Microsoft.Relay/namespaces", "namespace", "relay1.servicebus.windows.net", "privatelink.servicebus.windows.net", "relay1"],
  ["Microsoft.Web/sites", "sites", "app1.azurewebsites.net", "privatelink.azurewebsites.net", "app1"],
  ["Microsoft.Web/sites", "sites", "app1.scm.azurewebsites.net", "privatelink.azurewebsites.net", "app1.scm"],
  ["Microsoft.SignalRService/SignalR", "signalr", "sr1.service.signalr.net", "privatelink.service.signalr.net", "sr1"],
  ["Microsoft.Web/staticSites", "staticSites", "happy-tree-1.azurestaticapps.net", "privatelink.azurestaticapps.net", "happy-tree-1"],
  ["Microsoft.Web/staticSites", "staticSites", "happy-tree-1.2.azurestaticapps.net", "privatelink.2.azurestaticapps.net", "happy-tree-1"],
  ["Microsoft.Maps/accounts", "account", "eastus.account.maps.azure.com", "privatelink.account.maps.azure.com", "eastus"],
  ["Microsoft.SignalRService/WebPubSub", "webpubsub", "wps1.webpubsub.azure.com", "privatelink.webpubsub.azure.com", "wps1"],
];

describe("mapFqdn", () => {
  it.each(PUBLISHED)("maps %s/%s %s", (type, groupId, fqdn, zone, name) => {
    const mapping = mapFqdn(fqdn, type, groupId);
    expect(mapping).toMatchObject({ kind: "mapped", name: { zone, name } });
  });

  it("covers every resource type and groupId of the table with an example", () => {
    const examples = new Set(PUBLISHED.map(([type, groupId]) => `${type}|${groupId}`.toLowerCase()));
    const missing = SERVICE_ZONES.flatMap((s) => s.groupIds.map((g) => `${s.resourceType}|${g}`.toLowerCase())).filter((k) => !examples.has(k));
    expect(missing).toEqual([]);
  });

  it("reaches every zone rule of the table from an FQDN under its forwarder", () => {
    for (const service of SERVICE_ZONES) {
      for (const rule of service.rules) {
        const bound = (t: string) => t.replace(/\{[A-Za-z]+\}/g, "eastus");
        // Container Apps' and Event Grid topic spaces' forwarders are shorter than their zones' public suffixes.
        const publicSuffix = bound(rule.zone).replace(/(^|\.)privatelink(-global)?\./, "$1");
        const zones = [`host1.${bound(rule.forwarder)}`, `host1.${publicSuffix}`].flatMap((fqdn) => {
          const mapping = mapFqdn(fqdn, service.resourceType, service.groupIds[0] as string);
          return mapping.kind === "mapped" ? [mapping.name, ...mapping.legacyNames].map((n) => n.zone) : [];
        });
        expect(zones, `${service.resourceType} ${rule.forwarder}`).toContain(bound(rule.zone));
      }
    }
  });

  it("writes the table's domain names in lower case outside placeholders", () => {
    for (const service of SERVICE_ZONES) {
      for (const rule of service.rules) {
        for (const t of [rule.zone, rule.forwarder]) expect(t.replace(/\{[A-Za-z]+\}/g, "")).toBe(t.replace(/\{[A-Za-z]+\}/g, "").toLowerCase());
      }
    }
  });

  it("matches resource type and groupId case-insensitively and normalizes the FQDN", () => {
    expect(mapFqdn("MyAcct.EastUS.Batch.Azure.com.", "microsoft.batch/BATCHACCOUNTS", "BatchAccount")).toEqual({
      kind: "mapped",
      name: { zone: "privatelink.batch.azure.com", name: "myacct.eastus" },
      legacyNames: [{ zone: "privatelink.eastus.batch.azure.com", name: "myacct" }],
    });
  });

  it("gives Batch's account FQDN its legacy regional zone name too, and nodeManagement none", () => {
    const account = mapFqdn("myacct.japaneast.batch.azure.com", "Microsoft.Batch/batchAccounts", "batchAccount");
    expect(account).toMatchObject({ legacyNames: [{ zone: "privatelink.japaneast.batch.azure.com", name: "myacct" }] });
    const node = mapFqdn("myacct.japaneast.service.batch.azure.com", "Microsoft.Batch/batchAccounts", "nodeManagement");
    expect(node).toMatchObject({ kind: "mapped", legacyNames: [] });
  });

  it("takes the region from the FQDN, not from where the endpoint sits", () => {
    expect(privateNameFor("myacct.eastus.batch.azure.com", "Microsoft.Batch/batchAccounts", "batchAccount")).toEqual({ zone: "privatelink.batch.azure.com", name: "myacct.eastus" });
    expect(privateNameFor("adx1.northeurope.kusto.windows.net", "Microsoft.Kusto/Clusters", "cluster")).toEqual({ zone: "privatelink.northeurope.kusto.windows.net", name: "adx1" });
  });

  it("chooses the longest matching forwarder", () => {
    expect(privateNameFor("happy-tree-1.3.azurestaticapps.net", "Microsoft.Web/staticSites", "staticSites")).toEqual({ zone: "privatelink.3.azurestaticapps.net", name: "happy-tree-1" });
  });

  it.each(["myci.eastus.instances.azureml.ms", "myci-22.eastus.instances.azureml.ms", "x.aznbcontent.net", "*.eastus.inference.ml.azure.com"])(
    "reports the ML FQDN %s as having no private zone",
    (fqdn) => {
      const mapping = mapFqdn(fqdn, "Microsoft.MachineLearningServices/workspaces", "amlworkspace");
      expect(mapping).toMatchObject({ kind: "unmapped", reason: "noPrivateZone" });
    },
  );

  it("reports Azure Monitor's Application Insights forwarders as having no private zone", () => {
    const mapping = mapFqdn("eastus-8.in.applicationinsights.azure.com", "Microsoft.Insights/privateLinkScopes", "azuremonitor");
    expect(mapping).toMatchObject({ kind: "unmapped", reason: "noPrivateZone" });
  });

  it("reports an FQDN outside every forwarder of the service", () => {
    const mapping = mapFqdn("sql1.database.windows.net", "Microsoft.Storage/storageAccounts", "blob");
    expect(mapping).toMatchObject({ kind: "unmapped", reason: "unknownSuffix" });
    if (mapping.kind === "unmapped") expect(mapping.detail).toContain("blob.core.windows.net");
  });

  it("reports a service the table does not know", () => {
    expect(mapFqdn("x.example.com", "Contoso.Widgets/widgets", "widget")).toMatchObject({ kind: "unmapped", reason: "unknownService" });
    expect(privateNameFor("x.example.com", "Contoso.Widgets/widgets", "widget")).toBeUndefined();
  });

  it("does not map a bare forwarder with no record label", () => {
    expect(mapFqdn("blob.core.windows.net", "Microsoft.Storage/storageAccounts", "blob")).toMatchObject({ kind: "unmapped", reason: "unknownSuffix" });
  });
});

describe("zonesFor", () => {
  it("returns the zones of a service case-insensitively", () => {
    const ml = zonesFor("microsoft.machinelearningservices/WORKSPACES", "AmlWorkspace");
    expect(ml?.rules.map((r) => r.zone)).toEqual(["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"]);
    expect(ml?.forwardersWithoutZone).toEqual(["instances.azureml.ms", "aznbcontent.net", "inference.ml.azure.com"]);
    expect(zonesFor("Microsoft.Batch/batchAccounts", "batchAccount")?.rules.filter((r) => r.legacy).map((r) => r.zone)).toEqual(["privatelink.{regionName}.batch.azure.com"]);
  });

  it("returns undefined for an unknown groupId", () => {
    expect(zonesFor("Microsoft.Storage/storageAccounts", "nope")).toBeUndefined();
  });
});

describe("zonesServing", () => {
  const zone = (name: string) => ({ name });
  const zones = ["privatelink.batch.azure.com", "privatelink.eastus.batch.azure.com", "privatelink.blob.core.windows.net", "privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"].map(zone);

  it("finds Batch's current and legacy regional zones and nothing else", () => {
    expect(zonesServing("Microsoft.Batch/batchAccounts", zones).map((z) => z.name)).toEqual(["privatelink.batch.azure.com", "privatelink.eastus.batch.azure.com"]);
  });

  it("finds both zones of a Machine Learning workspace, case-insensitively", () => {
    expect(zonesServing("microsoft.machinelearningservices/WORKSPACES", zones).map((z) => z.name)).toEqual(["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"]);
  });

  it("finds no zone for a resource type Azure publishes none for", () => {
    expect(zonesServing("Contoso.Widgets/widgets", zones)).toEqual([]);
  });
});
