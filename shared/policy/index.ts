/**
 * @module The policy: its schema, its loader, the facts a rule sees, and `decide`. Import from here (`../shared/policy`).
 */

export { capRequestMessage, connectionFactsOf, ConnectionFactsSchema, REQUEST_MESSAGE_MAX_LENGTH } from "./connectionFacts";
export type { ConnectionFacts, ConnectionReading, GroupIdsSource } from "./connectionFacts";
export { APP_NAME, decide, describeDecision, DESCRIPTION_MAX_LENGTH, explainDecision } from "./decide";
export type { CriterionTrace, DecisionTrace, RuleTrace, Verdict } from "./decide";
export { globProblem, matchesGlob } from "./glob";
export { formatPath, loadPolicy, PolicyError } from "./loadPolicy";
export type { LoadPolicyOptions, PolicyIssue } from "./loadPolicy";
export { CriteriaSchema, DEFAULT_RULE_NAME, KNOWN_RESOURCE_TYPES, knownGroupIds, MatchSchema, ORPHANED_CONNECTION_ACTIONS, POLICY_ACTIONS, PolicySchema, policyJsonSchema, RuleSchema } from "./schema";
export type { OrphanedConnectionAction, Policy, PolicyAction, PolicyCriteria, PolicyInput, PolicyMatch, PolicyRule } from "./schema";
