/**
 * Octokit with plugin-retry (5xx and network errors) and plugin-throttling
 * (rate limits): the transport of src/github/client.ts. A module of its own so
 * that the client imports it, and Octokit's few hundred kilobytes, on its first
 * call to GitHub: a tick without a gate or a token never loads them.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

export const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;
export type GitHubOctokitOptions = NonNullable<ConstructorParameters<typeof GitHubOctokit>[0]>;
