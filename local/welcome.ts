/**
 * @module What `npm start` prints once the app is up: where things run, `curl` commands to try, and the
 * `export ...` block that points the read-only CLI at the emulator with the very settings the app uses.
 */

import { shellExports } from "../cli/shellExports";

const SPOKE = "22222222-2222-2222-2222-222222222222";

export interface WelcomeOptions {
  hostUrl: string;
  emulatorUrl: string;
  policyFile: string;
  caFile: string;
  /** The app settings the local host runs with. */
  settings: Readonly<Record<string, string>>;
}

/** The banner `npm start` prints. */
export function welcomeText({ hostUrl, emulatorUrl, policyFile, caFile, settings }: WelcomeOptions): string {
  const pe = `/subscriptions/${SPOKE}/resourceGroups/rg-endpoints/providers/Microsoft.Network/privateEndpoints/pe-batchprod-account`;
  return `
privatelink-autopilot, running locally against an emulated Azure estate

  Functions host   ${hostUrl}   (health: ${hostUrl}/api/health)
  ARM emulator     ${emulatorUrl}   (CA: ${caFile}; control API: ${emulatorUrl}/_emulator/)
  policy           ${policyFile}   (edit it: the next run uses it)

Try:
  curl -s -X POST ${hostUrl}/api/runs -d '{"scope":"all","dryRun":true}'
  curl -s -X POST ${hostUrl}/api/runs -d '{"scope":{"endpointId":"${pe}"}}'
  curl -s '${hostUrl}/api/runs/<id>?format=text'
  curl -s --cacert ${caFile} ${emulatorUrl}/_emulator/snapshot
  curl -s --cacert ${caFile} -X POST ${emulatorUrl}/_emulator/removeConnection -d '{"connectionId":"<connection id from the snapshot>"}'
  curl -s -X POST ${hostUrl}/admin/functions/driftSweepTimer -d '{}'

Point the read-only CLI at this emulator (in another shell, from this directory):
${shellExports(settings)}
  npx privatelink-autopilot plan
  npx privatelink-autopilot explain ${pe}
  npx privatelink-autopilot validate ${policyFile}`;
}
