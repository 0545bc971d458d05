/** Types of the postdeploy hook's exports (the hook is plain JavaScript so that it runs without a build). */

export declare const SUBSCRIPTIONS_TOPIC_TYPE: "Microsoft.Resources.Subscriptions";
export declare const NEW_TOPIC_NAME: string;

export interface HookConfig {
  environmentName: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
  functionAppName: string;
  functionAppUri: string;
  storageAccountId: string;
  deadLetterContainer: string;
  watchedSubscriptionIds: string[];
  topicResourceGroup: string;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
  /** LOG_ANALYTICS_WORKSPACE_ID, or empty. */
  logAnalyticsWorkspaceId: string;
}

/** A system topic as `az eventgrid system-topic list` prints it (the fields the hook reads). */
export interface ListedSystemTopic {
  id: string;
  name: string;
  source?: string;
  topicType?: string;
  tags?: Record<string, string> | null;
}

/** One entry of eventgrid.bicep's `topics` parameter. */
export interface TopicPlan {
  subscriptionId: string;
  resourceGroupName: string;
  createResourceGroup: boolean;
  /** False: the topic exists and is used as it is. */
  createTopic: boolean;
  topicName: string;
  /** Tags of a topic created by eventgrid.bicep. */
  topicTags: Record<string, string>;
}

export interface TopicPlanInput {
  subscriptionId: string;
  existingTopic: ListedSystemTopic | undefined;
  resourceGroupName: string;
  resourceGroupExists: boolean;
  tags: Record<string, string>;
}

export interface DeploymentParameters {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, { value: unknown }>;
}

export interface WaitForOptions {
  attempts: number;
  delayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface MainOptions {
  attempts?: number;
  delayMs?: number;
  fetchTimeoutMs?: number;
  log?: (line: string) => void;
}

export declare function parseList(text: string | undefined): string[];
export declare function readHookEnv(env: Record<string, string | undefined>): HookConfig;
export declare function eventSubscriptionNameFor(environmentName: string): string;
export declare function deploymentNameFor(environmentName: string): string;
export declare function findSubscriptionTopic(topics: readonly ListedSystemTopic[], subscriptionId: string): ListedSystemTopic | undefined;
export declare function resourceGroupOf(id: string): string;
export declare function topicPlanFor(input: TopicPlanInput): TopicPlan;
export declare function deploymentParameters(config: HookConfig, topics: readonly TopicPlan[]): DeploymentParameters;
export declare function waitFor(probe: (attempt: number) => Promise<boolean> | boolean, options: WaitForOptions): Promise<boolean>;
export declare function createAz(env: Record<string, string | undefined>): (args: readonly string[]) => string;
export declare function main(env?: Record<string, string | undefined>, options?: MainOptions): Promise<{ topics: TopicPlan[] }>;
