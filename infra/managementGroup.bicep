// Optional, deployed on its own when AUTOPILOT_MANAGEMENT_GROUP is set: grants the app's identity, on
// the management group, the scope reader role (list the group's descendants) and an approver role
// that every subscription beneath the group inherits. main.bicep cannot do this: a subscription
// deployment cannot deploy to a management group. See docs/operations.md ("Scope by management group"):
//   az deployment mg create --management-group-id <group> --location <region> \
//     --template-file infra/managementGroup.bicep \
//     --parameters environmentName=<env> principalId=<APP_IDENTITY_PRINCIPAL_ID>

targetScope = 'managementGroup'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment the app was deployed with; makes the role names unique in the tenant.')
param environmentName string

@minLength(36)
@description('APP_IDENTITY_PRINCIPAL_ID from the azd environment: the app\'s user-assigned identity.')
param principalId string

var scopeReaderRole = loadJsonContent('roles/privatelink-scope-reader.json')
var approverRole = loadJsonContent('roles/privatelink-approver.json')

var roles = [
  {
    key: 'privatelink-scope-reader'
    file: scopeReaderRole
  }
  {
    key: 'privatelink-approver-mg'
    file: approverRole
  }
]

resource definitions 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for role in roles: {
  name: guid(tenant().tenantId, managementGroup().id, environmentName, role.key)
  properties: {
    roleName: '${role.file.roleName} ${environmentName} (${managementGroup().name})'
    description: role.file.description
    type: 'CustomRole'
    permissions: [
      {
        actions: role.file.actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      managementGroup().id
    ]
  }
}]

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (role, i) in roles: {
  name: guid(managementGroup().id, principalId, definitions[i].id)
  properties: {
    roleDefinitionId: definitions[i].id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'privatelink-autopilot (${environmentName}): ${role.key} on management group ${managementGroup().name}'
  }
}]

output SCOPE_READER_ROLE_DEFINITION_ID string = definitions[0].id
output APPROVER_MG_ROLE_DEFINITION_ID string = definitions[1].id
