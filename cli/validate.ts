/**
 * @module `privatelink-autopilot validate <policy>`: loads a policy file offline, the way the app does
 * (`PolicyStore`), and prints every problem at once with the app's own messages.
 */

import { PolicyError } from "../shared/policy";
import { PolicyStore } from "../orchestrations/policyStore";
import type { CliIo } from "./cliIo";
import { CLI_SCHEMA_VERSION } from "./cliIo";

/** Exit 0 when the policy is valid, 1 when it is not or cannot be read. */
export function validate(path: string, options: { json: boolean }, io: CliIo): number {
  try {
    const { policy } = new PolicyStore({ path }).current();
    const summary = `${policy.rules.length} ${policy.rules.length === 1 ? "rule" : "rules"}, default action ${policy.defaultAction}`;
    if (options.json) io.out(JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, policy: path, valid: true, rules: policy.rules.length, defaultAction: policy.defaultAction, issues: [] }, null, 2));
    else io.out(`${path}: valid (${summary})`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const issues = error instanceof PolicyError ? error.issues : [{ path: "(root)", message }];
    if (options.json) io.out(JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, policy: path, valid: false, issues }, null, 2));
    else io.err(message);
    return 1;
  }
}
