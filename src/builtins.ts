/**
 * Node built-ins loaded at first use. `import('node:https')` would do, but the
 * CLI's bundle runs through vm.Script (bin/git-canary.js, for its code cache),
 * where a dynamic import has no loader: a require made for an absolute path
 * loads a built-in synchronously, in the bundle, the ES modules and tsx alike.
 */
import { createRequire } from 'node:module';

const requireBuiltin = createRequire(process.execPath);

/** node:http (with its agents and parsers, a few ms to load). */
export const nodeHttp = (): typeof import('node:http') => requireBuiltin('node:http') as typeof import('node:http');

/** node:https (with node:http and node:tls: about 10 ms to load). */
export const nodeHttps = (): typeof import('node:https') => requireBuiltin('node:https') as typeof import('node:https');
