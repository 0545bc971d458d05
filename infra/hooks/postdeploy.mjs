/**
 * @module azd postdeploy hook: wires Event Grid to the deployed function.
 *
 * The event subscriptions need the function's webhook, whose URL carries the Event Grid extension's
 * system key; that key exists only once the app is deployed and its host has started. So, as the azd
 * Event Grid samples do, this runs after `azd deploy` rather than in `infra/main.bicep`:
 *
 * 1. checks that the Azure CLI is there (signed in to the same tenant as azd);
 * 2. starts the app's host (GET /api/health) and waits, bounded, until the `eventgrid_extension`
 *    system key exists (the key is never printed or written: Bicep reads it itself with listKeys);
 * 3. per watched subscription: registers the Microsoft.EventGrid provider if needed, and finds the
 *    subscription's Azure Subscriptions system topic (only one may exist per subscription, so an
 *    existing one is used as it is) or plans a new one;
 * 4. deploys `infra/eventgrid.bicep` at the app's subscription with those topics: the event
 *    subscription (event types, operationName filter, retry policy, dead-letter container) on each.
 *
 * It is idempotent: run it again with `azd hooks run postdeploy` after adding a watched subscription.
 * Plain Node.js (20+) with no dependencies, so it runs the same on Linux, macOS and Windows.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const SUBSCRIPTIONS_TOPIC_TYPE = "Microsoft.Resources.Subscriptions";
/** The name of a system topic this hook creates (there is at most one per subscription). */
export const NEW_TOPIC_NAME = "egst-azure-subscription-events";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INFRA_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** A list written like the app settings: separated by commas, semicolons or white space. */
export function parseList(text) {
  return (text ?? "").split(/[\s,;]+/).filter((item) => item !== "");
}

/**
 * The hook's inputs, from the azd environment (main.bicep's outputs plus optional EVENTGRID_* values).
 * Throws one TypeError naming every missing or bad variable.
 */
export function readHookEnv(env) {
  const problems = [];
  const required = (name) => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name}: missing; expected it in the azd environment (run azd provision first)`);
    return value ?? "";
  };
  const integer = (name, min, max, fallback) => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return value;
  };
  const environmentName = required("AZURE_ENV_NAME");
  const watched = parseList(required("WATCHED_SUBSCRIPTION_IDS")).map((id) => id.toLowerCase());
  for (const id of watched.filter((id) => !GUID.test(id))) problems.push(`WATCHED_SUBSCRIPTION_IDS: expected subscription GUIDs, got ${JSON.stringify(id)}`);
  const config = {
    environmentName,
    location: required("AZURE_LOCATION"),
    subscriptionId: required("AZURE_SUBSCRIPTION_ID"),
    resourceGroup: required("AZURE_RESOURCE_GROUP"),
    functionAppName: required("AZURE_FUNCTION_APP_NAME"),
    functionAppUri: required("SERVICE_API_URI").replace(/\/+$/, ""),
    storageAccountId: required("APP_STORAGE_ACCOUNT_ID"),
    deadLetterContainer: required("EVENTGRID_DEADLETTER_CONTAINER"),
    watchedSubscriptionIds: [...new Set(watched)],
    topicResourceGroup: env.EVENTGRID_RESOURCE_GROUP?.trim() || `rg-${environmentName}-events`,
    maxDeliveryAttempts: integer("EVENTGRID_MAX_DELIVERY_ATTEMPTS", 1, 30, 10),
    eventTimeToLiveInMinutes: integer("EVENTGRID_EVENT_TTL_MINUTES", 1, 1440, 120),
    // Optional, so that an environment provisioned before it existed still works.
    logAnalyticsWorkspaceId: env.LOG_ANALYTICS_WORKSPACE_ID?.trim() ?? "",
  };
  if (problems.length > 0) throw new TypeError(`postdeploy: invalid environment:\n  ${problems.join("\n  ")}`);
  return config;
}

/**
 * Letters, digits and '-', 3 to 60 long: what Event Grid accepts for an event subscription name (64),
 * leaving room for the `-nic` suffix of the second subscription.
 */
export function eventSubscriptionNameFor(environmentName) {
  const slug = environmentName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return `plautopilot-${slug || "default"}`.slice(0, 60).replace(/-+$/, "");
}

/** The ARM deployment's name: at most 64 characters. */
export function deploymentNameFor(environmentName) {
  return `${environmentName.replace(/[^\w.()-]+/g, "-").slice(0, 53)}-eventgrid`;
}

/** The subscription's Azure Subscriptions system topic among `topics` (as `az eventgrid system-topic list` prints them). */
export function findSubscriptionTopic(topics, subscriptionId) {
  const source = `/subscriptions/${subscriptionId}`.toLowerCase();
  return topics.find((t) => String(t?.topicType ?? "").toLowerCase() === SUBSCRIPTIONS_TOPIC_TYPE.toLowerCase() && String(t?.source ?? "").toLowerCase() === source);
}

/** The resource group named in an ARM id. */
export function resourceGroupOf(id) {
  const segments = id.split("/");
  const at = segments.findIndex((s) => s.toLowerCase() === "resourcegroups");
  if (at < 0 || !segments[at + 1]) throw new TypeError(`expected a resource id with a resource group, got ${JSON.stringify(id)}`);
  return segments[at + 1];
}

/**
 * One entry of eventgrid.bicep's `topics` parameter: the existing topic (used as it is: Bicep does
 * not redeploy it), or a new one in `resourceGroupName`.
 */
export function topicPlanFor({ subscriptionId, existingTopic, resourceGroupName, resourceGroupExists, tags }) {
  if (existingTopic !== undefined) {
    return { subscriptionId, resourceGroupName: resourceGroupOf(existingTopic.id), createResourceGroup: false, createTopic: false, topicName: existingTopic.name, topicTags: {} };
  }
  return { subscriptionId, resourceGroupName, createResourceGroup: !resourceGroupExists, createTopic: true, topicName: NEW_TOPIC_NAME, topicTags: tags };
}

/** The parameters file for `az deployment sub create -f infra/eventgrid.bicep`. */
export function deploymentParameters(config, topics) {
  const value = (v) => ({ value: v });
  return {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      location: value(config.location),
      functionAppName: value(config.functionAppName),
      functionAppResourceGroupName: value(config.resourceGroup),
      deadLetterStorageAccountId: value(config.storageAccountId),
      deadLetterContainerName: value(config.deadLetterContainer),
      eventSubscriptionName: value(eventSubscriptionNameFor(config.environmentName)),
      topics: value(topics),
      maxDeliveryAttempts: value(config.maxDeliveryAttempts),
      eventTimeToLiveInMinutes: value(config.eventTimeToLiveInMinutes),
      tags: value({ "azd-env-name": config.environmentName }),
      logAnalyticsWorkspaceId: value(config.logAnalyticsWorkspaceId ?? ""),
    },
  };
}

/** Calls `probe` until it returns true, at most `attempts` times, `delayMs` apart. */
export async function waitFor(probe, { attempts, delayMs, sleep = (ms) => new Promise((done) => setTimeout(done, ms)) }) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (await probe(attempt)) return true;
    if (attempt < attempts) await sleep(delayMs);
  }
  return false;
}

/** `az provider show` for `["provider", "show", "--namespace", ...]`: the words before the first option. */
function commandOf(args) {
  const firstOption = args.findIndex((a) => a.startsWith("-"));
  return `az ${(firstOption < 0 ? args : args.slice(0, firstOption)).join(" ")}`;
}

function quoteForCmd(arg) {
  return /[\s"&|<>^()]/.test(arg) ? `"${arg.replace(/"/g, '""')}"` : arg;
}

/** Runs the Azure CLI; returns its stdout, or throws with its stderr. */
export function createAz(env) {
  const windows = process.platform === "win32";
  return (args) => {
    const result = spawnSync("az", windows ? args.map(quoteForCmd) : args, { env, encoding: "utf8", shell: windows, maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw new Error(`could not run the Azure CLI (az): ${result.error.message}; install it and sign in with az login`, { cause: result.error });
    if (result.status !== 0) throw new Error(`${commandOf(args)} failed (exit ${result.status}): ${(result.stderr ?? "").trim()}`);
    return result.stdout ?? "";
  };
}

function parseJson(text, what) {
  try {
    return JSON.parse(text.trim() === "" ? "null" : text);
  } catch (cause) {
    throw new Error(`${what}: expected JSON from az, got ${JSON.stringify(text.slice(0, 200))}`, { cause });
  }
}

/** Starts the app's host so that it creates its extension keys; the answer does not matter. */
async function warmUp(uri, timeoutMs) {
  try {
    const response = await fetch(`${uri}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
  } catch {
    // A cold or unhealthy app still starts its host; the key check decides.
  }
}

/**
 * Runs the hook. `options` (for tests): `attempts` and `delayMs` of the key wait, `fetchTimeoutMs`,
 * `log`. Resolves to the topics it deployed.
 */
export async function main(env = process.env, options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const config = readHookEnv(env);
  const az = createAz(env);
  const azJson = (args) => parseJson(az([...args, "--output", "json"]), commandOf(args));

  az(["version", "--output", "none"]);

  const attempts = options.attempts ?? 20;
  log(`postdeploy: waiting for ${config.functionAppName} to have its Event Grid extension key (up to ${attempts} checks)`);
  const ready = await waitFor(
    async () => {
      await warmUp(config.functionAppUri, options.fetchTimeoutMs ?? 10_000);
      const keys = azJson(["functionapp", "keys", "list", "--name", config.functionAppName, "--resource-group", config.resourceGroup, "--subscription", config.subscriptionId]);
      const key = keys?.systemKeys?.eventgrid_extension;
      return typeof key === "string" && key !== "";
    },
    { attempts, delayMs: options.delayMs ?? 15_000 },
  );
  if (!ready) {
    throw new Error(
      `${config.functionAppName} has no eventgrid_extension system key after ${attempts} checks. Check that the deployment succeeded and that onArmEvent is listed (az functionapp function list -n ${config.functionAppName} -g ${config.resourceGroup}), then run: azd hooks run postdeploy`,
    );
  }

  const topics = [];
  for (const subscriptionId of config.watchedSubscriptionIds) {
    const provider = azJson(["provider", "show", "--namespace", "Microsoft.EventGrid", "--subscription", subscriptionId]);
    if (provider?.registrationState !== "Registered") {
      log(`postdeploy: ${subscriptionId}: registering the Microsoft.EventGrid resource provider`);
      az(["provider", "register", "--namespace", "Microsoft.EventGrid", "--subscription", subscriptionId, "--wait"]);
    }
    const listed = azJson(["eventgrid", "system-topic", "list", "--subscription", subscriptionId]);
    const existingTopic = findSubscriptionTopic(Array.isArray(listed) ? listed : [], subscriptionId);
    const resourceGroupExists = existingTopic !== undefined || azJson(["group", "exists", "--name", config.topicResourceGroup, "--subscription", subscriptionId]) === true;
    const plan = topicPlanFor({
      subscriptionId,
      existingTopic,
      resourceGroupName: config.topicResourceGroup,
      resourceGroupExists,
      tags: { "azd-env-name": config.environmentName },
    });
    topics.push(plan);
    log(
      existingTopic !== undefined
        ? `postdeploy: ${subscriptionId}: using the existing system topic ${plan.topicName} in ${plan.resourceGroupName}`
        : `postdeploy: ${subscriptionId}: creating system topic ${plan.topicName} in ${plan.resourceGroupName}${plan.createResourceGroup ? " (new resource group)" : ""}`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), "plautopilot-eventgrid-"));
  try {
    const parametersFile = join(dir, "eventgrid.parameters.json");
    writeFileSync(parametersFile, JSON.stringify(deploymentParameters(config, topics), null, 2), { mode: 0o600 });
    log(`postdeploy: deploying infra/eventgrid.bicep (event subscription ${eventSubscriptionNameFor(config.environmentName)} on ${topics.length} topic(s))`);
    az([
      "deployment", "sub", "create",
      "--name", deploymentNameFor(config.environmentName),
      "--location", config.location,
      "--subscription", config.subscriptionId,
      "--template-file", join(INFRA_DIR, "eventgrid.bicep"),
      "--parameters", `@${parametersFile}`,
      "--output", "none",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log("postdeploy: Event Grid delivers Private Link events to onArmEvent");
  return { topics };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`postdeploy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
