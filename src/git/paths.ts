/**
 * Names the git layer accepts from callers: file paths inside a tree and ref
 * names. Everything that reaches the object database or the refs directory
 * passes through here first, so a path can never leave the repository.
 */
import { GitError, PathError } from '../errors.ts';

const SHA_RE = /^[0-9a-f]{40}$/;

/** True for a full 40-hex object id. */
export function isSha(value: string): boolean {
  return SHA_RE.test(value);
}

/**
 * Split a repository-relative path into segments, refusing anything that could
 * escape the tree: absolute paths, `..`, `.`, empty segments, backslashes and
 * `.git` (git itself refuses to check out a tree containing `.git`).
 * `allowRoot` accepts '' (the root directory) for listings.
 */
export function splitRepoPath(path: string, options: { allowRoot?: boolean } = {}): string[] {
  if (path === '' && options.allowRoot) return [];
  // Every service of a tick reads its files on production and on candidate: the same paths, checked once.
  const known = splitPaths.get(path);
  if (known) return [...known];
  const segments = checkedSegments(path);
  if (splitPaths.size >= 4096) splitPaths.clear();
  splitPaths.set(path, segments);
  return [...segments];
}

/** Paths splitRepoPath accepted, and their segments. */
const splitPaths = new Map<string, readonly string[]>();

function checkedSegments(path: string): string[] {
  const refuse = (why: string): never => {
    throw new PathError(`path ${why}`, {
      where: { file: path },
      hint: 'use a relative path inside the repository, with / separators and no ".." segments',
    });
  };
  if (path === '') refuse('is empty');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) refuse('is absolute');
  if (path.includes('\\')) refuse('contains a backslash');
  if (path.includes('\0')) refuse('contains a NUL byte');
  // A trailing slash on a directory is harmless; strip it before splitting.
  const segments = path.replace(/\/+$/, '').split('/');
  for (const s of segments) {
    if (s === '') refuse('has an empty segment');
    if (s === '..') refuse('leaves the repository');
    if (s === '.') refuse('has a "." segment');
    if (s.toLowerCase() === '.git') refuse('names the .git directory');
  }
  return segments;
}

/**
 * `production` → `refs/heads/production`; full refs (`refs/notes/x`) and
 * `HEAD` are kept. Names git would refuse (`..`, control characters, `.lock`
 * suffixes…) are refused here, because local refs become file paths.
 */
export function toFullRef(ref: string): string {
  const known = validFullRefs.get(ref);
  if (known !== undefined) return known;
  const full = ref === 'HEAD' || ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
  if (!isValidRefName(full)) {
    throw new GitError(`invalid ref name ${JSON.stringify(ref)}`, {
      where: { branch: ref },
      hint: 'use a branch name like "production" or a full ref like "refs/notes/git-canary"',
    });
  }
  if (validFullRefs.size >= 1024) validFullRefs.clear();
  validFullRefs.set(ref, full);
  return full;
}

/** Names toFullRef accepted, and what they became: every service of a tick resolves the same three refs. */
const validFullRefs = new Map<string, string>();

/** `refs/heads/production` → `production`; other refs unchanged. For messages. */
export function shortRef(fullRef: string): string {
  return fullRef.startsWith('refs/heads/') ? fullRef.slice('refs/heads/'.length) : fullRef;
}

/** The rules of `git check-ref-format`, enough to keep a ref inside refs/. */
function isValidRefName(ref: string): boolean {
  if (ref === 'HEAD') return true;
  if (!ref.startsWith('refs/') || ref.endsWith('/') || ref.endsWith('.')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\//.test(ref)) return false;
  return ref.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}
