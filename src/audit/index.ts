/**
 * The audit trail: git-canary's commit messages (trailers), judgment notes, and
 * the state and rollout log rebuilt from them. Pure: data in, data out.
 */
export * from './trailers.ts';
export * from './notes.ts';
export * from './state.ts';
export * from './log.ts';
