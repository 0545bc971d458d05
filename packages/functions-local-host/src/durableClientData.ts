/**
 * @module The durable client binding data the Durable extension hands to `df.getClient(context)`,
 * and the management URLs (statusQueryGetUri, ...) it returns for an instance.
 */

/** The webhook path the Durable extension serves under the app's origin. */
export const durableWebhookPath = "/runtime/webhooks/durabletask";

const connectionName = "Storage";
const instanceIdPlaceholder = "INSTANCEID";

export interface HttpManagementPayload {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly rewindPostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly restartPostUri: string;
  readonly suspendPostUri: string;
  readonly resumePostUri: string;
}

export interface DurableClientData {
  readonly taskHubName: string;
  readonly creationUrls: { readonly createNewInstancePostUri: string; readonly createAndWaitOnNewInstancePostUri: string };
  readonly managementUrls: HttpManagementPayload;
  readonly baseUrl: string;
  readonly requiredQueryStringParameters: string;
  /** Where DurableClient sends its calls; the local host serves it on its own port. */
  readonly rpcBaseUrl: string;
}

function querySuffix(taskHubName: string): string {
  return `taskHub=${encodeURIComponent(taskHubName)}&connection=${connectionName}`;
}

/** Management URLs for one instance (the body of a check-status response), as the extension builds them. */
export function createManagementPayload(origin: string, taskHubName: string, instanceId: string): HttpManagementPayload {
  const instance = `${origin}${durableWebhookPath}/instances/${instanceId === instanceIdPlaceholder ? instanceId : encodeURIComponent(instanceId)}`;
  const query = querySuffix(taskHubName);
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/** Client data for a durableClient input binding; `origin` is e.g. "http://127.0.0.1:7071". */
export function createDurableClientData(origin: string, taskHubName: string): DurableClientData {
  const baseUrl = `${origin}${durableWebhookPath}`;
  const query = querySuffix(taskHubName);
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: createManagementPayload(origin, taskHubName, instanceIdPlaceholder),
    baseUrl,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${baseUrl}/`,
  };
}
