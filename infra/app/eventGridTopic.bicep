// The subscription's Azure Subscriptions system topic (created here, or an existing one used as it
// is) and the app's two event subscriptions on it: `<name>` for endpoint and connection operations,
// `<name>-nic` for writes to private endpoints' NICs only (Event Grid ORs values but ANDs filters,
// so "these operations, or NIC writes of endpoint NICs" takes two subscriptions).
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
@description('Filters of the -nic subscription: NIC writes whose resource is named like an endpoint NIC.')
param endpointNicAdvancedFilters array
param deadLetterStorageAccountId string
param deadLetterContainerName string
param maxDeliveryAttempts int
param eventTimeToLiveInMinutes int
@description('Log Analytics workspace for a created topic\'s delivery failures and metrics (dead letters among them); empty: none. A topic found in place is left as it is.')
param logAnalyticsWorkspaceId string = ''

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

var subscriptions = [
  {
    name: eventSubscriptionName
    includedEventTypes: includedEventTypes
    advancedFilters: advancedFilters
  }
  {
    name: '${eventSubscriptionName}-nic'
    includedEventTypes: includedEventTypes
    advancedFilters: endpointNicAdvancedFilters
  }
]

resource eventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [for sub in subscriptions: {
  parent: systemTopic
  name: sub.name
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
      includedEventTypes: sub.includedEventTypes
      advancedFilters: sub.advancedFilters
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
}]

resource topicDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (createTopic && !empty(logAnalyticsWorkspaceId)) {
  name: 'to-log-analytics'
  scope: systemTopic
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'DeliveryFailures'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
  dependsOn: [
    createdTopic
  ]
}

output topicId string = systemTopic.id
