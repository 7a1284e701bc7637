/**
 * Repository paths in git-canary.yaml are written the way git names tree
 * entries: relative, `/`-separated, no `.` or `..` segments. Anything else could
 * name a file outside the repository, or the same file under two spellings
 * (which would defeat the "no two services share a file" rules).
 */

/** Why `path` is not a safe repository path, or undefined when it is one. */
export function repoPathProblem(path: string): string | undefined {
  if (path === '') return 'must not be empty';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  if (path.includes('\\')) return 'must use "/" between folders, not "\\"';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return 'must be relative to the repository root, not absolute';
  }
  const segments = path.split('/');
  if (segments.includes('..')) return 'must not contain ".." (it would leave the repository)';
  if (segments.includes('.') || segments.includes('')) {
    return 'must be written like apps/checkout/deployment.yaml (no "./", "//" or trailing "/")';
  }
  // git itself never stores a `.git` entry at any depth (any case: `.GIT` is `.git` on macOS and Windows).
  if (segments.some((s) => s.toLowerCase() === '.git')) return 'must not point inside .git';
  return undefined;
}
