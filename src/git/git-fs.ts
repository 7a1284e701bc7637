/**
 * The file systems handed to isomorphic-git, wrapped once. isomorphic-git
 * wraps whatever `fs` it is given anew on every API call, and the wrapper
 * probes it twice with a failing `readFile()` to learn whether it returns
 * promises: an exception per probe, about 0.2 ms per call, which a walk over
 * thousands of commits pays thousands of times. A wrapper it made already is
 * used as it is (isomorphic-git checks `_original_unwrapped_fs`).
 */
import fs from 'node:fs';
import type { PromiseFsClient } from 'isomorphic-git';
import { FileSystem } from 'isomorphic-git/models';
import { atomicFs } from './atomic-fs.ts';

/** Node's own fs: for reads. */
export const fsForReads = new FileSystem(fs) as unknown as PromiseFsClient;

/** atomicFs (objects, refs, config and shallow written whole or not at all): for every write. */
export const fsForWrites = new FileSystem(atomicFs) as unknown as PromiseFsClient;
