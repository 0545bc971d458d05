// One watched subscription's Event Grid wiring: the resource group for a new system topic (when the
// hook found no topic to use and no such group), then the topic and its event subscription.

targetScope = 'subscription'

param location string
param tags object
@description('{ subscriptionId, resourceGroupName, createResourceGroup, createTopic, topicName, topicTags }')
param topic object
param eventSubscriptionName string
@secure()
param endpointUrl string
param includedEventTypes array
param advancedFilters array
param endpointNicAdvancedFilters array
param deadLetterStorageAccountId string
param deadLetterContainerName string
param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int
param logAnalyticsWorkspaceId string

resource topicGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = if (topic.createResourceGroup) {
  name: topic.resourceGroupName
  location: location
  tags: tags
}

module topicAndSubscription 'eventGridTopic.bicep' = {
  name: 'eventgrid-topic-${uniqueString(topic.resourceGroupName, topic.topicName, eventSubscriptionName)}'
  scope: resourceGroup(topic.resourceGroupName)
  params: {
    topicName: topic.topicName
    createTopic: topic.createTopic
    topicTags: topic.topicTags
    eventSubscriptionName: eventSubscriptionName
    endpointUrl: endpointUrl
    includedEventTypes: includedEventTypes
    advancedFilters: advancedFilters
    endpointNicAdvancedFilters: endpointNicAdvancedFilters
    deadLetterStorageAccountId: deadLetterStorageAccountId
    deadLetterContainerName: deadLetterContainerName
    maxDeliveryAttempts: maxDeliveryAttempts
    eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    logAnalyticsWorkspaceId: logAnalyticsWorkspaceId
  }
  dependsOn: [
    topicGroup
  ]
}

output topicId string = topicAndSubscription.outputs.topicId
