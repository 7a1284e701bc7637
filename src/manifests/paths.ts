/**
 * Paths: repository-relative file paths (which must never leave the checkout)
 * and paths into a YAML document, as written in messages and JSON pointers.
 */
import { ManifestError, PathError } from '../errors.ts';
import type { YamlPath } from './types.ts';

/**
 * Normalise a repository-relative POSIX path (`./a/b/../c.yaml` → `a/c.yaml`).
 * Throws PathError for an empty path, NUL, backslashes, absolute or drive paths,
 * empty segments (`a//b`, `dir/`) and `..` that climbs out of the repository.
 */
export function safeRepoPath(path: string): string {
  const refuse = (why: string, hint: string): never => {
    throw new PathError(`unsafe repository path ${JSON.stringify(path)}: ${why}`, {
      where: { file: path },
      hint,
      data: { path },
    });
  };
  const relHint = 'write the path relative to the repository root with forward slashes, e.g. apps/web/deployment.yaml';
  if (typeof path !== 'string' || path.trim() === '') refuse('it is empty', relHint);
  if (path.includes('\0')) refuse('it contains a NUL byte', relHint);
  if (path.includes('\\')) refuse('it contains a backslash', relHint);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) refuse('it is absolute', relHint);
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '') refuse('it has an empty segment (`//` or a trailing `/`)', relHint);
    if (seg === '.') continue;
    if (seg === '..') {
      // `a/../b` stays inside the checkout; only a `..` with nothing left to pop escapes it.
      if (out.length === 0) refuse('`..` leaves the repository', 'name a file inside the repository');
      out.pop();
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) refuse('it names the repository root, not a file', relHint);
  return out.join('/');
}

/** `spec.http[0].route`, for messages; keys that are not simple identifiers are quoted. */
export function formatPath(path: YamlPath): string {
  if (path.length === 0) return '(document root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Split an RFC 6901 JSON pointer into raw string segments (`~1` → `/`, `~0` → `~`).
 * Whether a segment is a sequence index is decided later, against the document.
 */
export function parsePointer(pointer: string, file: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new ManifestError(`JSON pointer ${JSON.stringify(pointer)} does not start with "/"`, {
      where: { file },
      hint: 'use pointers as produced by fast-json-patch compare(), e.g. /spec/replicas',
    });
  }
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
