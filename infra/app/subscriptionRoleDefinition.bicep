// A custom role created at a subscription: the first of its assignable scopes, as az role definition
// create does.

targetScope = 'subscription'

@description('The role definition GUID; stable per deployment so that re-provisioning updates the role.')
param roleDefinitionName string
@description('Unique in the tenant.')
param roleName string
param roleDescription string
param actions array
param assignableScopes array

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
  properties: {
    roleName: roleName
    description: roleDescription
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

output name string = role.name
