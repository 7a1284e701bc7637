/**
 * git-canary.yaml: schema, ${ENV} expansion, validation with file:line
 * messages, JSON Schema. Pure: callers read the file and the environment.
 */
export { DURATION_PATTERN, formatDuration, parseDuration, tryParseDuration } from './duration.ts';
export { type Env, expandEnvInDocument, expandString } from './env.ts';
export { type ConfigIssue, formatIssue, formatPath } from './issues.ts';
export { SCHEMA_URL } from './schema-url.ts';
export { repoPathProblem } from './paths.ts';
export { checkRules, type RuleIssues } from './rules.ts';
export {
  AnalysisConfig,
  AuthorConfig,
  BranchesConfig,
  type CanaryConfig,
  CheckConfig,
  CommitConfig,
  DocumentRef,
  ReleaseFileConfig,
  Duration,
  GitCanaryConfig,
  type GitCanaryConfigInput,
  Gate,
  MetricsSourceConfig,
  ServiceConfig,
  ServiceRouteConfig,
  Steps,
} from './schema.ts';
export { suggest } from './suggest.ts';
export { loadConfig, type ParseConfigOptions, type ParseConfigResult, parseConfig } from './validate.ts';
