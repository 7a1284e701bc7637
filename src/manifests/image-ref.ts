/**
 * Container image references, as the distribution/reference grammar writes them
 * (what `docker pull` and the kubelet accept):
 *
 *     reference  := name [ ":" tag ] [ "@" digest ]
 *     name       := [ domain "/" ] path
 *     domain     := host [ ":" port ]        host: DNS name, IPv4, or [IPv6]
 *     path       := component ( "/" component )*
 *     component  := [a-z0-9]+ ( ( [_.] | __ | -+ ) [a-z0-9]+ )*
 *     tag        := [\w][\w.-]{0,127}
 *     digest     := sha256:<64 hex> | sha512:<128 hex>
 *
 * The first `/`-separated part is the registry when it holds a `.` or a `:`
 * or is `localhost` (as Docker decides). Pure: strings in, data out.
 */
import { CanaryError, type CanaryErrorOptions } from '../errors.ts';

/** A parsed image reference; every part keeps its spelling, so `formatImageRef` gives the text back. */
export interface ImageRef {
  /** Registry host (and port), as written; undefined for Docker Hub's short form. */
  domain?: string;
  /** Repository path below the registry: `library/nginx`, `team/app`. */
  path: string;
  tag?: string;
  /** `sha256:<hex>` */
  digest?: string;
}

/** An image reference that does not parse; `reason` says which rule it breaks. */
export class ImageRefError extends CanaryError {
  readonly reason: string;
  constructor(input: string, reason: string, options: CanaryErrorOptions = {}) {
    super('CONFIG', `invalid image reference ${JSON.stringify(input)}: ${reason}`, {
      hint: 'write it as [registry[:port]/]path[:tag][@sha256:<64 hex>], e.g. registry.example.com/checkout:v2',
      ...options,
      data: { image: input, reason, ...options.data },
    });
    this.reason = reason;
  }
}

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[_.]|__|-+)';
const COMPONENT = new RegExp(`^${ALNUM}(?:${SEPARATOR}${ALNUM})*$`);
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6 = /^\[[0-9a-fA-F:.]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGESTS: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };
/** distribution/reference's NameTotalLengthMax. */
const MAX_NAME = 255;

/** Docker Hub's spellings: `docker.io/library/nginx` is `nginx`. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Why `domain` is not a registry host[:port], or undefined. */
function domainProblem(domain: string): string | undefined {
  let host = domain;
  const bracket = domain.startsWith('[') ? domain.indexOf(']') : -1;
  const colon = domain.lastIndexOf(':');
  if (colon > bracket) {
    host = domain.slice(0, colon);
    if (!PORT.test(domain.slice(colon + 1))) return `the registry port in ${JSON.stringify(domain)} must be digits`;
  }
  if (IPV6.test(host)) return undefined;
  if (host === '' || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) {
    return `${JSON.stringify(domain)} is not a registry host (letters, digits, "-" and "." between parts, optional :port)`;
  }
  return undefined;
}

/** Why `name` (registry and path, no tag or digest) is not a repository name, or undefined. */
function splitName(name: string): { domain?: string; path: string } | string {
  if (name === '') return 'the repository name is empty';
  if (name.length > MAX_NAME) return `the repository name is longer than ${MAX_NAME} characters`;
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  const isDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const domain = isDomain ? first : undefined;
  const path = isDomain ? name.slice(slash + 1) : name;
  if (domain !== undefined) {
    const problem = domainProblem(domain);
    if (problem) return problem;
  }
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '') return 'the repository path has an empty part (`//`, or a leading or trailing `/`)';
    if (part !== part.toLowerCase()) return 'the repository path must be lowercase';
    if (!COMPONENT.test(part)) {
      return `${JSON.stringify(part)} is not a repository path part (lowercase letters and digits, separated by ".", "_", "__" or "-")`;
    }
  }
  return domain === undefined ? { path } : { domain, path };
}

/** Parse an image reference; throws ImageRefError naming the rule it breaks. It must carry a tag or a digest. */
export function parseImageRef(input: string): ImageRef {
  const fail = (reason: string): never => {
    throw new ImageRefError(input, reason);
  };
  if (typeof input !== 'string' || input === '') fail('it is empty');
  if (/[\s]/.test(input)) fail('it contains whitespace or a line break');
  if (/[\u0000-\u001f\u007f]/.test(input)) fail('it contains a control character');
  if (/[^\w.:/@[\]-]/.test(input)) fail(`it contains ${JSON.stringify(/[^\w.:/@[\]-]/.exec(input)![0])}, which no image reference holds`);
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const [algorithm = '', hex, ...more] = digest.split(':');
    const length = DIGESTS[algorithm];
    if (length === undefined || hex === undefined || more.length > 0) fail('the digest must be sha256:<64 hex> (or sha512:<128 hex>)');
    if (!new RegExp(`^[0-9a-f]{${length}}$`).test(hex!)) fail(`the ${algorithm} digest must be ${length} lowercase hex characters`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !rest.slice(colon).includes(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`the tag ${JSON.stringify(tag)} must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  }
  const name = splitName(rest);
  if (typeof name === 'string') return fail(name);
  if (tag === undefined && digest === undefined) fail('it has no tag or digest (e.g. :v2 or @sha256:…): propose an exact version');
  return { ...name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `parseImageRef`, or undefined for text that is not an image reference. Tag and digest are optional here. */
export function tryParseImageRef(input: string): ImageRef | undefined {
  try {
    return parseImageRef(input);
  } catch (e) {
    if (!(e instanceof ImageRefError)) throw e;
  }
  const name = typeof input === 'string' ? splitName(input) : 'not a string';
  return typeof name === 'string' ? undefined : name;
}

/** A repository name alone (`registry/app`, no tag or digest), as Helm `image.repository` holds it; undefined when it is not one. */
export function parseRepository(input: string): Pick<ImageRef, 'domain' | 'path'> | undefined {
  const name = typeof input === 'string' ? splitName(input) : 'not a string';
  return typeof name === 'string' ? undefined : name;
}

/** The repository as written: `registry.example.com:5000/team/app`. */
export function repositoryOf(ref: Pick<ImageRef, 'domain' | 'path'>): string {
  return ref.domain === undefined ? ref.path : `${ref.domain}/${ref.path}`;
}

/** What follows the repository: `:v2`, `@sha256:…` or `:v2@sha256:…`. */
export function versionOf(ref: Pick<ImageRef, 'tag' | 'digest'>): string {
  return `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The reference as text; `parseImageRef(formatImageRef(r))` equals `r`. */
export function formatImageRef(ref: ImageRef): string {
  return repositoryOf(ref) + versionOf(ref);
}

/**
 * The repository in one spelling per image, for comparing: the registry in
 * lowercase, Docker Hub's registry dropped and its `library/` too
 * (`docker.io/library/nginx` → `nginx`, `docker.io/x/y` → `x/y`).
 */
export function canonicalRepository(ref: Pick<ImageRef, 'domain' | 'path'>): string {
  const domain = ref.domain?.toLowerCase();
  if (domain !== undefined && !DOCKER_HUB.has(domain)) return `${domain}/${ref.path}`;
  const parts = ref.path.split('/');
  return parts.length === 2 && parts[0] === 'library' ? parts[1]! : ref.path;
}

/** True when both name the same repository (tag and digest ignored). */
export function sameRepository(a: Pick<ImageRef, 'domain' | 'path'>, b: Pick<ImageRef, 'domain' | 'path'>): boolean {
  return canonicalRepository(a) === canonicalRepository(b);
}
