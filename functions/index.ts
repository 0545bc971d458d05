/**
 * @module The app's one registration module (the package's `main`): loading it registers every
 * trigger, orchestration and activity, on the Azure Functions host and on the local host alike.
 */

import { getRuntime } from "../orchestrations/runtime";
import { runLog } from "../orchestrations/runLog";
import "./onArmEvent";
import "./runs";
import "./endpointStatus";
import "./driftSweepTimer";
import "./health";
import "../orchestrations/reconcileEndpoint";
import "../orchestrations/reconcileResource";
import "../orchestrations/driftSweep";
import "../orchestrations/batchZoneMigration";
import "../orchestrations/runsForKey";
import "../orchestrations/activities/evaluateEndpoint";
import "../orchestrations/activities/evaluateResource";
import "../orchestrations/activities/setConnectionState";
import "../orchestrations/activities/reconcileDns";
import "../orchestrations/activities/sweepScope";
import "../orchestrations/activities/migrateBatchZones";
import "../orchestrations/activities/listSweepShards";

// Validate the configuration and the policy now, and say so at once when they are bad. A bad setting
// does not stop the host: every function stays registered, /api/health answers 503 (the details name
// each bad setting), and every run refuses to start with the same message until it is fixed. A host
// that fails to load would show only "no functions" and make Event Grid give up on its deliveries.
try {
  getRuntime();
} catch (error) {
  console.error(runLog(undefined, undefined, `not ready, every run refuses to start: ${error instanceof Error ? error.message : String(error)}`));
}
