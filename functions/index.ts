/**
 * @module The app's one registration module (the package's `main`): loading it registers every
 * trigger, orchestration and activity, on the Azure Functions host and on the local host alike.
 */

import { getRuntime } from "../orchestrations/runtime";
import "./onArmEvent";
import "./runs";
import "./driftSweepTimer";
import "./health";
import "../orchestrations/reconcileEndpoint";
import "../orchestrations/reconcileResource";
import "../orchestrations/driftSweep";
import "../orchestrations/activities/evaluateEndpoint";
import "../orchestrations/activities/evaluateResource";
import "../orchestrations/activities/setConnectionState";
import "../orchestrations/activities/reconcileEndpointDns";
import "../orchestrations/activities/planSweep";
import "../orchestrations/activities/applyDnsChanges";

// Validate the configuration and the policy now: a bad setting stops start-up with a message that
// names it, instead of failing the first event.
getRuntime();
