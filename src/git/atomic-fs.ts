/**
 * The `fs` handed to isomorphic-git when it writes objects: node's own, except
 * that a file under `objects/` is written to a temporary file in the same
 * directory and renamed into place, as git itself does.
 *
 * Why: isomorphic-git writes a loose object straight to its final path, and
 * skips writing any object whose file already exists. A process killed between
 * creating that file and filling it leaves an empty "object"; objects are
 * content-addressed, so the next tick builds the very same object names,
 * trusts the empty file and publishes a production commit that points at it
 * (git fsck: "object file ... is empty"). With the rename, a file at an
 * object's path is always whole; a kill leaves at most a `tmp_obj_*` file,
 * which git itself ignores and `git prune` removes. The `shallow` file is
 * replaced the same way (it is rewritten whole on every shallow fetch), and so
 * are `config`, `packed-refs` and loose refs: isomorphic-git rewrites them in
 * place (truncate, then write), and a process sharing the cache that read one
 * in between saw an empty ref ("branch production disappeared") or a torn
 * config ("Invalid refspec"). A ref's temporary file ends in `.lock`, a name
 * git never takes for a ref.
 */
import { randomBytes } from 'node:crypto';
import type fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const OBJECTS = /[\\/]objects[\\/]/;
const REFS = /[\\/]refs[\\/]/;

async function writeFile(path: fs.PathLike | fsp.FileHandle, data: string | Uint8Array, options?: fs.WriteFileOptions): Promise<void> {
  if (typeof path !== 'string') return fsp.writeFile(path, data, options);
  if (OBJECTS.test(path)) {
    // git's own prefix for temporary object files (fsck and prune know it).
    return writeFileAtomic(path, data, options, `tmp_obj_${process.pid}_${randomBytes(6).toString('hex')}_${basename(path).slice(0, 8)}`);
  }
  // `shallow` says which commits lack parents; a torn one makes the server skip history we lack.
  const name = basename(path);
  if (name === 'shallow' || name === 'config' || name === 'packed-refs') return writeFileAtomic(path, data, options);
  if (REFS.test(path)) return writeFileAtomic(path, data, options, `${name}.tmp_${process.pid}_${randomBytes(6).toString('hex')}.lock`);
  return fsp.writeFile(path, data, options);
}

/** Write `path` whole or not at all: a temporary file in the same directory, renamed into place. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options?: fs.WriteFileOptions,
  tmpName = `tmp_${basename(path)}_${process.pid}_${randomBytes(6).toString('hex')}`,
): Promise<void> {
  const tmp = join(dirname(path), tmpName);
  try {
    await fsp.writeFile(tmp, data, options);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => {});
    throw err;
  }
}

/** node's promise fs with atomic object writes, in the shape isomorphic-git accepts (`{ promises }`). */
export const atomicFs = {
  // Built when first asked for: node's fs.promises loads readline and more (about 4 ms), and this
  // module loads with the memos, before a command has asked the server anything.
  get promises() {
    built ??= {
      readFile: fsp.readFile,
      writeFile,
      mkdir: fsp.mkdir,
      rmdir: fsp.rmdir,
      rm: fsp.rm,
      unlink: fsp.unlink,
      stat: fsp.stat,
      lstat: fsp.lstat,
      readdir: fsp.readdir,
      readlink: fsp.readlink,
      symlink: fsp.symlink,
      chmod: fsp.chmod,
    };
    return built;
  },
};

let built: Record<string, unknown> | undefined;
