// privatelink-autopilot for azd: the Function App (Flex Consumption, Node 22) in its own resource
// group, its user-assigned identity, host storage, monitoring, and the two least-privilege custom
// roles assigned where the app acts. The Event Grid subscriptions come later, from the postdeploy
// hook (infra/hooks/postdeploy.mjs deploys infra/eventgrid.bicep), because their webhook needs the
// deployed function's Event Grid system key. See docs/operations.md.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; makes resource names unique and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of the app and its resources; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group for the app; default rg-<environmentName>.')
param resourceGroupName string = ''

@minLength(36)
@description('AUTOPILOT_SUBSCRIPTIONS: the watched subscription GUIDs, separated by commas. The first one also holds the approver role definition.')
param watchedSubscriptionIds string

@description('AUTOPILOT_MANAGEMENT_GROUP: a management group id whose subscriptions, at any depth, are also in scope (the union with watchedSubscriptionIds). Empty: none. Its roles are granted by infra/managementGroup.bicep, deployed separately (docs/operations.md).')
param managementGroupId string = ''

@minLength(1)
@description('AUTOPILOT_DNS_ZONE_RESOURCE_GROUPS: ids of the resource groups holding the central private DNS zones (/subscriptions/<guid>/resourceGroups/<name>), separated by commas. The first one also holds the DNS writer role definition.')
param dnsZoneResourceGroupIds string

@description('AUTOPILOT_ZONE_SETS: the zone resource groups grouped by the VNets they serve, as JSON (docs/configuration.md). Empty: one set of dnsZoneResourceGroupIds serves every endpoint.')
param zoneSets string = ''

@minLength(1)
@maxLength(63)
@description('AUTOPILOT_OWNER_ID: marks the record sets this deployment owns; never change it once records exist, and never share it between deployments.')
param ownerId string

@description('AUTOPILOT_POLICY: the approval policy (default: infra/policy.json, which decides nothing and leaves every Pending connection to humans). Ignored when policyPath is set.')
param policy object = loadJsonContent('policy.json')

@description('AUTOPILOT_POLICY_PATH: a policy file on the instance to use instead of the policy parameter (re-read when it changes). Empty: the policy parameter is used.')
param policyPath string = ''

@description('AUTOPILOT_SWEEP_SCHEDULE: six-field NCRONTAB schedule of the drift sweep.')
param sweepSchedule string = '0 */15 * * * *'

@minValue(1)
@description('AUTOPILOT_RECORD_TTL: TTL in seconds of the records the app writes.')
param recordTtl int = 10

@description('AUTOPILOT_DRY_RUN: when true, every run only plans and reports. True by default here so that a first deployment changes nothing; set it to false after reviewing a sweep report.')
param dryRun bool = true

@minValue(1)
@maxValue(64)
@description('AUTOPILOT_SWEEP_CONCURRENCY: endpoints or DNS batches a sweep works on at once.')
param sweepConcurrency int = 8

@minValue(1)
@maxValue(3650)
@description('AUTOPILOT_RUN_RETENTION_DAYS: days each run\'s history and report are kept; the timer purges older runs.')
param runRetentionDays int = 30

@description('AUTOPILOT_ARM_WRITE_PACING: the write bucket ARM writes and deletes are paced to, per subscription (<capacity>/<refill per second>, ARM\'s published limits by default), or off.')
param armWritePacing string = '200/10'

@description('AUTOPILOT_ADOPT_RECORDS: when true, unmarked record sets that already hold exactly what the app would write get its ownership marker (docs/operations.md, moving to privatelink-autopilot).')
param adoptRecords bool = false

@minValue(1)
@maxValue(1000)
@description('Flex Consumption: the most instances the app scales out to. Runs are singletons per key and ARM throttles per identity, so more instances rarely help.')
param maximumInstanceCount int = 40

@description('Resource id of an Azure Monitor action group that the alerts notify (e-mail, webhook, ...). Empty: the alerts fire in Azure Monitor and notify no one.')
param alertActionGroupId string = ''

@minValue(1)
@maxValue(720)
@description('The drift sweep interval in minutes, as sweepSchedule sets it; the "no sweep finished" alert fires after twice this.')
param sweepIntervalMinutes int = 15

@minValue(1)
@maxValue(47)
@description('Hours a connection may stay Pending, left to humans by the policy, before the "left Pending" alert fires.')
param pendingAlertHours int = 24

@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
@description('Where Durable Functions keeps orchestration state: AzureStorage (host storage queues and tables, polled at most every 2 s, see host.json) or DurableTaskScheduler (a Consumption Durable Task Scheduler with push delivery). See docs/operations.md, "Expected latency".')
param durableBackend string = 'AzureStorage'

@description('Optional VNet integration for outbound traffic: a subnet id delegated to Microsoft.App/environments. Empty: none.')
param virtualNetworkSubnetId string = ''

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption: memory per instance in MB.')
param instanceMemoryMB int = 2048

var abbrs = loadJsonContent('abbreviations.json')
var approverRole = loadJsonContent('roles/privatelink-approver.json')
var dnsWriterRole = loadJsonContent('roles/privatelink-dns-writer.json')

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}plautopilot-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var deadLetterContainerName = 'eventgrid-deadletter'
var taskHubName = 'plautopilot'

// Lists are written like the app settings: separated by commas, semicolons or spaces. union() drops
// repeats (a subscription or group listed twice, in any case), so that no module or assignment is
// declared twice.
var watched = union(map(filter(split(replace(replace(watchedSubscriptionIds, ';', ','), ' ', ','), ','), s => !empty(s)), s => toLower(s)), [])
var dnsZoneGroupIds = union(map(filter(split(replace(replace(dnsZoneResourceGroupIds, ';', ','), ' ', ','), ','), s => !empty(s)), s => toLower(s)), [])
var dnsZoneGroups = map(dnsZoneGroupIds, id => {
  subscriptionId: split(id, '/')[2]
  name: split(id, '/')[4]
})

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}plautopilot-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
      deadLetterContainerName
    ]
    deadLetterContainerName: deadLetterContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module durableTaskScheduler 'app/durableTaskScheduler.bicep' = if (durableBackend == 'DurableTaskScheduler') {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: 'dts-${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
    principalId: identity.outputs.principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    taskHubName: taskHubName
    durableTaskSchedulerEndpoint: durableBackend == 'DurableTaskScheduler' ? durableTaskScheduler!.outputs.endpoint : ''
    virtualNetworkSubnetId: virtualNetworkSubnetId
    watchedSubscriptionIds: watched
    managementGroupId: managementGroupId
    zoneSets: zoneSets
    dnsZoneResourceGroupIds: map(dnsZoneGroups, g => '/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}')
    ownerId: ownerId
    policyText: string(policy)
    policyPath: policyPath
    sweepSchedule: sweepSchedule
    recordTtl: recordTtl
    dryRun: dryRun
    sweepConcurrency: sweepConcurrency
    runRetentionDays: runRetentionDays
    armWritePacing: armWritePacing
    adoptRecords: adoptRecords
  }
  dependsOn: [
    rbac
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    environmentName: environmentName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    actionGroupId: alertActionGroupId
    sweepWindowMinutes: 2 * sweepIntervalMinutes
    pendingHours: pendingAlertHours
    deadLetterContainer: deadLetterContainerName
  }
}

// Least-privilege custom roles (infra/roles/*.json, generated from shared/azure/operations.ts).
// Role names are unique per tenant, hence the environment and token in them. Each definition is
// created at its first assignable scope (as `az role definition create` does): the first watched
// subscription, and the first DNS zone resource group.

module approverDefinition 'app/subscriptionRoleDefinition.bicep' = {
  name: 'role-approver-${resourceToken}'
  scope: subscription(watched[0])
  params: {
    roleDefinitionName: guid(tenant().tenantId, subscription().id, environmentName, 'privatelink-approver')
    roleName: '${approverRole.roleName} ${environmentName}-${resourceToken}'
    roleDescription: approverRole.description
    actions: approverRole.actions
    assignableScopes: map(watched, s => '/subscriptions/${s}')
  }
}

module dnsWriterDefinition 'app/resourceGroupRoleDefinition.bicep' = {
  name: 'role-dns-writer-${resourceToken}'
  scope: resourceGroup(dnsZoneGroups[0].subscriptionId, dnsZoneGroups[0].name)
  params: {
    roleDefinitionName: guid(tenant().tenantId, subscription().id, environmentName, 'privatelink-dns-writer')
    roleName: '${dnsWriterRole.roleName} ${environmentName}-${resourceToken}'
    roleDescription: dnsWriterRole.description
    actions: dnsWriterRole.actions
    assignableScopes: map(dnsZoneGroups, g => '/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}')
  }
}

// One subscription-scoped module per watched subscription: role assignments in subscriptions other
// than the deployment's need a deployment there. Module names hash the scope (unique after union()).
//
// A new custom role takes a while to replicate, and an assignment that names it too early fails
// (RoleDefinitionDoesNotExist). The assignments therefore wait for the definitions (through their
// outputs) and for the Function App (api), which takes a minute or more: the definitions are created
// alongside the app, the assignments after both. Should one still fail, `azd provision` again is safe:
// names and GUIDs are stable, so it only creates what is missing (docs/operations.md).
module approverAssignments 'app/subscriptionRoleAssignment.bicep' = [for sub in watched: {
  name: 'approver-${uniqueString(sub, resourceToken)}'
  scope: subscription(sub)
  params: {
    principalId: identity.outputs.principalId
    roleDefinitionName: approverDefinition.outputs.name
    assignmentDescription: 'privatelink-autopilot (${environmentName}): approve connections and read endpoints'
  }
  dependsOn: [
    api
  ]
}]

module dnsWriterAssignments 'app/resourceGroupRoleAssignment.bicep' = [for group in dnsZoneGroups: {
  name: 'dns-writer-${uniqueString(group.subscriptionId, group.name, resourceToken)}'
  scope: resourceGroup(group.subscriptionId, group.name)
  params: {
    principalId: identity.outputs.principalId
    roleDefinitionName: dnsWriterDefinition.outputs.name
    assignmentDescription: 'privatelink-autopilot (${environmentName}): write A/CNAME records it owns'
  }
  dependsOn: [
    api
  ]
}]

// azd stores these in the environment; the postdeploy hook reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output APP_IDENTITY_RESOURCE_ID string = identity.outputs.resourceId
output APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APP_STORAGE_ACCOUNT_ID string = storage.outputs.resourceId
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.logAnalyticsWorkspaceId
output EVENTGRID_DEADLETTER_CONTAINER string = deadLetterContainerName
output WATCHED_SUBSCRIPTION_IDS string = join(watched, ',')
output APPROVER_ROLE_DEFINITION_ID string = approverDefinition.outputs.name
output DNS_WRITER_ROLE_DEFINITION_ID string = dnsWriterDefinition.outputs.name
