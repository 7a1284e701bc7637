/**
 * The GitHub port: the few calls git-canary makes, as plain data in and out.
 * Domain code (runner/, engine/) depends on this interface only; `client.ts`
 * implements it with Octokit (retry + throttling), and nothing outside
 * src/github/ imports Octokit or @actions/*.
 */

export interface RepositoryRef {
  owner: string;
  repo: string;
}

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  /** True once merged (GitHub marks a pull request merged when its head commit reaches the base branch). */
  merged: boolean;
  /** The head commit sha. */
  headSha: string;
  /** The head branch name, e.g. `git-canary/checkout`. */
  headRef: string;
  base: string;
  title: string;
  body: string;
  htmlUrl: string;
  /** Who closed or merged it, when GitHub says (login). */
  closedBy?: string;
}

/** One review, in the order GitHub lists them (chronological). */
export interface Review {
  id: number;
  /** Reviewer login. */
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  /** The head commit the review was made on. */
  commitId: string | null;
  submittedAt?: string;
}

export interface IssueComment {
  id: number;
  body: string;
  user: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive' | 'error' | 'queued' | 'pending';

export interface Deployment {
  id: number;
  sha: string;
  environment: string;
  /** `payload.rollout` as git-canary wrote it. */
  rollout?: string;
}

export interface GitHubApi {
  readonly repository: RepositoryRef;
  /** The open or closed pull requests whose head is `branch` in this repository, newest first. */
  pullRequestsFor(branch: string, base: string): Promise<PullRequest[]>;
  getPullRequest(number: number): Promise<PullRequest>;
  createPullRequest(o: { head: string; base: string; title: string; body: string }): Promise<PullRequest>;
  updatePullRequest(number: number, o: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<PullRequest>;
  listReviews(number: number): Promise<Review[]>;
  listComments(number: number): Promise<IssueComment[]>;
  createComment(number: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
  createCommitStatus(sha: string, o: { context: string; state: CommitState; description: string; targetUrl?: string }): Promise<void>;
  listDeployments(o: { environment: string; sha?: string }): Promise<Deployment[]>;
  createDeployment(o: { sha: string; environment: string; description: string; rollout: string }): Promise<Deployment>;
  createDeploymentStatus(id: number, o: { state: DeploymentState; description: string; logUrl?: string }): Promise<void>;
}
