/**
 * @module The policy: its schema, its loader and `decide`. Import from here (`../shared/policy`).
 */

export { APP_NAME, decide, describeDecision, DESCRIPTION_MAX_LENGTH } from "./decide";
export type { DecisionContext } from "./decide";
export { matchesGlob } from "./glob";
export { formatPath, loadPolicy, PolicyError } from "./loadPolicy";
export type { LoadPolicyOptions, PolicyIssue } from "./loadPolicy";
export { CriteriaSchema, DEFAULT_RULE_NAME, MatchSchema, POLICY_ACTIONS, PolicySchema, policyJsonSchema, RuleSchema } from "./schema";
export type { Policy, PolicyAction, PolicyCriteria, PolicyInput, PolicyMatch, PolicyRule } from "./schema";
