/**
 * Credentials for a remote: taken from the URL's user-info or a token, handed
 * to isomorphic-git only through `onAuth`, and scrubbed from everything we
 * print. The URL isomorphic-git sees never carries them, so they cannot leak
 * into its error messages, the cache's config or FETCH_HEAD descriptions.
 */
import type { AuthCallback, AuthFailureCallback, GitAuth } from 'isomorphic-git';
import { GitError } from '../errors.ts';
import { basicFormsOf, encodingsOf, registerCredentials, registerToken } from '../secrets.ts';

/** The user name GitHub (and most forges) accept together with a token as password. */
export const TOKEN_USERNAME = 'x-access-token';

export interface RemoteCredentials {
  /** The URL without user-info: safe to print, hash and store. */
  url: string;
  /** Where the credentials came from; 'none' sends no Authorization at all. */
  source: 'url' | 'token' | 'none';
  username?: string;
  password?: string;
}

/**
 * Split `https://user:pass@host/repo.git` into a clean URL and credentials.
 * User-info wins over `token`, as the product contract says.
 */
export function parseRemoteUrl(spec: string, token: string | undefined): RemoteCredentials {
  let parsed: URL;
  try {
    parsed = new URL(spec);
  } catch {
    throw new GitError('invalid repository URL', {
      where: { detail: stripUserInfo(spec) },
      hint: 'use an https:// URL or a local path',
    });
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  // isomorphic-git appends `/info/refs`; a trailing slash would double it.
  const url = parsed.toString().replace(/\/+$/, '');
  // Every output of the run scrubs them from now on, in every encoding (src/secrets.ts).
  if (username || password) {
    registerCredentials(username, password);
    return { url, source: 'url', username, password };
  }
  if (token) {
    registerToken(token);
    return { url, source: 'token', username: TOKEN_USERNAME, password: token };
  }
  return { url, source: 'none' };
}

/** Remove `user:pass@` from any URL in `text`. */
export function stripUserInfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/**
 * A function that removes the secrets (raw, URL-encoded and inside a Basic
 * header) and any URL user-info from a text, for messages built from
 * isomorphic-git or server output.
 */
export function redactor(creds: RemoteCredentials): (text: string) => string {
  const secrets = new Set<string>();
  for (const s of [creds.password, creds.source === 'url' ? creds.username : undefined]) {
    if (!s) continue;
    for (const form of encodingsOf(s)) secrets.add(form);
  }
  if (creds.username !== undefined || creds.password !== undefined) {
    for (const form of basicFormsOf(creds.username ?? '', creds.password ?? '')) secrets.add(form);
  }
  // Longest first, so a secret that contains another is removed whole.
  const ordered = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = stripUserInfo(text);
    for (const s of ordered) out = out.split(s).join('***');
    return out;
  };
}

/** What the auth callbacks saw, so error mapping can tell "refused" from "not offered". */
export interface AuthState {
  /** Credentials were sent at least once. */
  offered: boolean;
  /** The server refused the credentials we sent. */
  refused: boolean;
}

/**
 * isomorphic-git callbacks: `onAuth` answers the first 401 with our
 * credentials; `onAuthFailure` (a second 401) cancels, so a wrong token costs
 * one retry, never a loop.
 */
/** The `Authorization` header value for `creds` (Basic), undefined when there are none. */
export function basicAuthorization(creds: RemoteCredentials): string | undefined {
  if (creds.source === 'none') return undefined;
  return `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
}

export function authCallbacks(creds: RemoteCredentials): {
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
  state: AuthState;
} {
  const state: AuthState = { offered: false, refused: false };
  const onAuth: AuthCallback = (): GitAuth | undefined => {
    if (creds.source === 'none') return undefined;
    state.offered = true;
    return { username: creds.username ?? '', password: creds.password ?? '' };
  };
  const onAuthFailure: AuthFailureCallback = (): GitAuth => {
    state.refused = true;
    return { cancel: true };
  };
  return { onAuth, onAuthFailure, state };
}
