// The subscription's Azure Subscriptions system topic and the app's event subscription on it.
// A reused topic keeps its tags and identities; the app's identity is added for dead-lettering.

param topicName string
param topicTags object
@description('Whether the topic already has a system-assigned identity (kept).')
param systemAssignedIdentity bool
@description('User-assigned identities the topic already has, other than the app\'s (kept).')
param userAssignedIdentityIds array
param identityResourceId string
param eventSubscriptionName string
@secure()
param endpointUrl string
param includedEventTypes array
param advancedFilters array
param deadLetterStorageAccountId string
param deadLetterContainerName string
param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int

var identityIds = union(userAssignedIdentityIds, [identityResourceId])

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  location: 'global'
  tags: topicTags
  identity: {
    type: systemAssignedIdentity ? 'SystemAssigned, UserAssigned' : 'UserAssigned'
    userAssignedIdentities: toObject(identityIds, id => id, id => {})
  }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: eventSubscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: endpointUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: includedEventTypes
      advancedFilters: advancedFilters
      enableAdvancedFilteringOnArrays: false
      isSubjectCaseSensitive: false
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identityResourceId
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output topicId string = systemTopic.id
