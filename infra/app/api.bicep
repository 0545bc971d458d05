// The Function App on Flex Consumption (Node 22) and every app setting it reads. Identity-based
// connections only: no storage key, no instrumentation key, no connection string with a secret.

param name string
param planName string
param location string
param tags object

@description('The user-assigned identity the app runs as.')
param identityResourceId string
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
@description('Log Analytics workspace for the Function App\'s platform logs (FunctionAppLogs).')
param logAnalyticsWorkspaceId string

@description('Flex Consumption: the most instances the app scales out to.')
param maximumInstanceCount int
@description('Flex Consumption: memory per instance.')
param instanceMemoryMB int

@description('The Durable Functions task hub (host.json reads it as %DURABLE_TASK_HUB%).')
param taskHubName string

@description('Empty: Durable Functions keeps its state in host storage (Azure Storage backend). Otherwise the Durable Task Scheduler endpoint (https://...) whose task hub taskHubName the identity may use.')
param durableTaskSchedulerEndpoint string = ''

@description('Empty: none. Otherwise a subnet id (delegated to Microsoft.App/environments) for outbound traffic through a virtual network.')
param virtualNetworkSubnetId string = ''

// The app's own settings (see docs/configuration.md).
param watchedSubscriptionIds array
@description('A management group id, or empty.')
param managementGroupId string
param dnsZoneResourceGroupIds array
@description('AUTOPILOT_ZONE_SETS as JSON, or empty.')
param zoneSets string
param ownerId string
@description('The policy as JSON text; used when policyPath is empty.')
param policyText string
@description('A policy file path on the instance; when set, it is used instead of policyText.')
param policyPath string
param sweepSchedule string
param recordTtl int
param dryRun bool
param sweepConcurrency int
param runRetentionDays int
@description('Writes per subscription the app paces to: <bucket capacity>/<refill per second>, or off.')
param armWritePacing string
param adoptRecords bool

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var hostSettings = {
  // Host storage (and the Durable backend) through the identity.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  DURABLE_TASK_HUB: taskHubName
  // The connection string only locates the resource; ingestion authenticates with Entra ID.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // DefaultAzureCredential picks the user-assigned identity by this client id.
  AZURE_CLIENT_ID: identityClientId
  // The Node worker's flags (shared/nodeWorkerArguments.ts): V8 collects a sweep's garbage sooner.
  languageWorkers__node__arguments: '--optimize-for-size'
}

// The Durable Task Scheduler backend replaces host.json's storage provider through app settings
// (AzureFunctionsJobHost__<path> overrides host.json), so one host.json serves both backends. Apps
// other than .NET reach it through the preview extension bundle, as Microsoft's guide for it says.
var durableTaskSchedulerSettings = empty(durableTaskSchedulerEndpoint)
  ? {}
  : {
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
      AzureFunctionsJobHost__extensionBundle__id: 'Microsoft.Azure.Functions.ExtensionBundle.Preview'
      AzureFunctionsJobHost__extensionBundle__version: '[4.29.0, 5.0.0)'
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
    }

// AUTOPILOT_ARM_ENDPOINT, AUTOPILOT_ARM_CA_FILE and AUTOPILOT_ARM_STATIC_TOKEN are for the local
// emulator only and are deliberately never set here: in Azure the app talks to public ARM.
var autopilotSettings = union(
  {
    AUTOPILOT_SUBSCRIPTIONS: join(watchedSubscriptionIds, ',')
    AUTOPILOT_MANAGEMENT_GROUP: managementGroupId
    AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: join(dnsZoneResourceGroupIds, ',')
    AUTOPILOT_ZONE_SETS: zoneSets
    AUTOPILOT_OWNER_ID: ownerId
    AUTOPILOT_SWEEP_SCHEDULE: sweepSchedule
    AUTOPILOT_RECORD_TTL: string(recordTtl)
    // Not string(dryRun): ARM renders a bool as "True", and the app accepts only lower case.
    AUTOPILOT_DRY_RUN: dryRun ? 'true' : 'false'
    AUTOPILOT_SWEEP_CONCURRENCY: string(sweepConcurrency)
    AUTOPILOT_RUN_RETENTION_DAYS: string(runRetentionDays)
    AUTOPILOT_ARM_WRITE_PACING: armWritePacing
    AUTOPILOT_ADOPT_RECORDS: adoptRecords ? 'true' : 'false'
  },
  empty(policyPath) ? { AUTOPILOT_POLICY: policyText } : { AUTOPILOT_POLICY_PATH: policyPath }
)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(hostSettings, durableTaskSchedulerSettings, autopilotSettings)
  }
}

// azd deploys with an Entra token; nobody needs basic publishing credentials.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
