// The subscription's Azure Subscriptions system topic (created here, or an existing one used as it
// is) and the app's event subscription on it.
//
// Dead letters go to blob storage through Event Grid's own identity (deadLetterDestination): a
// Microsoft.Resources.Subscriptions topic is global, and global system topics cannot have a managed
// identity, so deadLetterWithResourceIdentity is not available for them.

param topicName string
@description('True: create the topic. False: the topic exists (found by the hook) and is left unchanged.')
param createTopic bool
@description('Tags of a topic created here.')
param topicTags object
param eventSubscriptionName string
@secure()
param endpointUrl string
param includedEventTypes array
param advancedFilters array
param deadLetterStorageAccountId string
param deadLetterContainerName string
param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int

resource createdTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = if (createTopic) {
  name: topicName
  location: 'global'
  tags: topicTags
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: topicName
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
    deadLetterDestination: {
      endpointType: 'StorageBlob'
      properties: {
        resourceId: deadLetterStorageAccountId
        blobContainerName: deadLetterContainerName
      }
    }
  }
  dependsOn: [
    createdTopic
  ]
}

output topicId string = systemTopic.id
