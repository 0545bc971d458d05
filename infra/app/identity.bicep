// The one user-assigned managed identity the app uses for everything: host storage, deployment
// package, Application Insights and ARM (endpoints, connections, DNS).

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output resourceId string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
