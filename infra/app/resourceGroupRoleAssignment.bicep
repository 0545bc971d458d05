// Assigns a role to the app's identity on the resource group this module is deployed to.

param principalId string
@description('The GUID of the role definition.')
param roleDefinitionName string
param assignmentDescription string

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionName)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: assignmentDescription
  }
}
