// The Event Grid wiring, deployed by the postdeploy hook (infra/hooks/postdeploy.mjs) once the
// function exists: per watched subscription, the Azure Subscriptions system topic (created, or the
// existing one used as it is: a subscription can have only one) and an event subscription that delivers the
// Private Link events to the onArmEvent function's webhook. The webhook URL carries the Event Grid
// extension's system key, read here with listKeys so that it never passes through the hook.

targetScope = 'subscription'

@description('Where new resource groups for system topics are created.')
param location string

@description('The deployed Function App and its resource group (in this subscription).')
param functionAppName string
param functionAppResourceGroupName string

@description('Storage account and container for events that could not be delivered (written by Event Grid).')
param deadLetterStorageAccountId string
param deadLetterContainerName string

@minLength(3)
@maxLength(60)
@description('Name of the event subscription on each topic, one per deployment; the NIC subscription is <name>-nic.')
param eventSubscriptionName string

@description('One entry per watched subscription: { subscriptionId, resourceGroupName, createResourceGroup, createTopic, topicName, topicTags }. The hook fills it in, using existing topics where there are.')
param topics array

@minValue(1)
@maxValue(30)
@description('Delivery attempts per event before it is dead-lettered.')
param maxDeliveryAttempts int = 10

@minValue(1)
@maxValue(1440)
@description('Minutes an event is retried before it is dead-lettered; the drift sweep repairs anything missed long before.')
param eventTimeToLiveInMinutes int = 120

param tags object = {}

@description('Log Analytics workspace (LOG_ANALYTICS_WORKSPACE_ID from main.bicep) for the delivery failures and metrics of the topics created here; empty: none.')
param logAnalyticsWorkspaceId string = ''

var filters = loadJsonContent('eventgrid.filters.json')

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
  scope: resourceGroup(functionAppResourceGroupName)
}

module perSubscription 'app/eventGridSubscription.bicep' = [for topic in topics: {
  name: 'eventgrid-${uniqueString(eventSubscriptionName, topic.subscriptionId)}'
  scope: subscription(topic.subscriptionId)
  params: {
    location: location
    tags: tags
    topic: topic
    eventSubscriptionName: eventSubscriptionName
    endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/eventgrid?functionName=onArmEvent&code=${listKeys('${site.id}/host/default', '2024-04-01').systemKeys.eventgrid_extension}'
    includedEventTypes: filters.includedEventTypes
    advancedFilters: filters.advancedFilters
    endpointNicAdvancedFilters: filters.endpointNicAdvancedFilters
    deadLetterStorageAccountId: deadLetterStorageAccountId
    deadLetterContainerName: deadLetterContainerName
    maxDeliveryAttempts: maxDeliveryAttempts
    eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    logAnalyticsWorkspaceId: logAnalyticsWorkspaceId
  }
}]

output topicIds array = [for (topic, i) in topics: perSubscription[i].outputs.topicId]
