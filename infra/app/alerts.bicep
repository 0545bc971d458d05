// Azure Monitor log search alerts on the Log Analytics workspace that holds the app's telemetry
// (workspace-based Application Insights: AppTraces) and the storage account's blob logs. Each query is
// in infra/alerts/*.kql and reads the lines the app writes (run=<id> resource=<id> <message>);
// test/infra/alerts.test.ts checks them against the code's own log format. docs/operations.md, "Alerts",
// says what each means and what to do.

param location string
param tags object
param environmentName string
param logAnalyticsWorkspaceId string
@description('Resource id of an action group to notify; empty: the alerts fire in Azure Monitor without notifying anyone.')
param actionGroupId string
@minValue(2)
@maxValue(1440)
@description('Twice the drift sweep interval, in minutes: how long without a finished sweep before alerting.')
param sweepWindowMinutes int
@minValue(1)
@maxValue(47)
@description('Hours a connection may stay Pending (left to humans by the policy) before alerting; at most 47, within the 2-day window of a log search alert.')
param pendingHours int
param deadLetterContainer string

var actions = {
  actionGroups: empty(actionGroupId) ? [] : [
    actionGroupId
  ]
}

var placeholders = [
  {
    name: '{sweepWindowMinutes}'
    value: string(sweepWindowMinutes)
  }
  {
    name: '{pendingHours}'
    value: string(pendingHours)
  }
  {
    name: '{deadLetterContainer}'
    value: deadLetterContainer
  }
]

var alerts = [
  {
    key: 'run-errors'
    displayName: 'privatelink-autopilot (${environmentName}): a run reported errors'
    severity: 2
    query: loadTextContent('../alerts/runErrors.kql')
    operator: 'GreaterThan'
    threshold: 0
    frequency: 'PT15M'
    window: 'PT15M'
  }
  {
    key: 'sweep-missing'
    displayName: 'privatelink-autopilot (${environmentName}): no drift sweep finished in two intervals'
    severity: 1
    query: loadTextContent('../alerts/sweepMissing.kql')
    operator: 'LessThan'
    threshold: 1
    frequency: 'PT15M'
    window: 'P1D'
  }
  {
    key: 'conflicts-grew'
    displayName: 'privatelink-autopilot (${environmentName}): DNS conflicts grew'
    severity: 3
    query: loadTextContent('../alerts/conflictsGrew.kql')
    operator: 'GreaterThan'
    threshold: 0
    frequency: 'PT15M'
    window: 'P1D'
  }
  {
    key: 'dead-letters'
    displayName: 'privatelink-autopilot (${environmentName}): Event Grid dead-lettered events'
    severity: 3
    query: loadTextContent('../alerts/deadLetters.kql')
    operator: 'GreaterThan'
    threshold: 0
    frequency: 'PT15M'
    window: 'PT15M'
  }
  {
    key: 'pending-too-long'
    displayName: 'privatelink-autopilot (${environmentName}): connections left Pending for more than ${pendingHours} h'
    severity: 3
    query: loadTextContent('../alerts/pendingTooLong.kql')
    operator: 'GreaterThan'
    threshold: 0
    frequency: 'PT1H'
    window: 'P2D'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in alerts: {
  name: 'alert-plautopilot-${alert.key}-${environmentName}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: alert.displayName
    severity: alert.severity
    enabled: true
    scopes: [
      logAnalyticsWorkspaceId
    ]
    evaluationFrequency: alert.frequency
    windowSize: alert.window
    criteria: {
      allOf: [
        {
          query: reduce(placeholders, alert.query, (text, p) => replace(string(text), p.name, p.value))
          timeAggregation: 'Count'
          operator: alert.operator
          threshold: alert.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: actions
  }
}]

output alertRuleIds array = [for (alert, i) in alerts: rules[i].id]
