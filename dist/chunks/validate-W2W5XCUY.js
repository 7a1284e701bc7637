import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatRepoIssue,
  validateRepository
} from "./chunk-UXMUTJIG.js";
import "./chunk-6KZ3VJPV.js";
import {
  CONFIG_FILE,
  openRepository
} from "./chunk-BYSPTKVM.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import {
  UsageError
} from "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";

// src/commands/validate.ts
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
async function configFromDisk(ctx, path) {
  const full = isAbsolute(path) ? path : resolve(ctx.cwd, path);
  let text;
  try {
    text = await readFile(full, "utf8");
  } catch (e) {
    const code = e.code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(e)})`;
    throw new UsageError(`--config ${path}: ${why}`, {
      hint: `name a ${CONFIG_FILE} on disk, e.g. --config ${CONFIG_FILE} in your checkout of the production branch`
    });
  }
  const rel = relative(ctx.cwd, full);
  return { text, file: isAbsolute(path) || rel.startsWith("..") ? full : rel };
}
async function validate(ctx, opts) {
  const config = opts.config !== void 0 ? await configFromDisk(ctx, opts.config) : void 0;
  const repo = await openRepository(ctx, { write: false });
  const report = await validateRepository(repo, {
    production: ctx.options.production,
    env: ctx.env,
    online: opts.online ? { now: ctx.now() } : void 0,
    config
  });
  const lines = [
    ...report.errors.map((i) => `error: ${formatRepoIssue(i)}`),
    ...report.warnings.map((i) => `warning: ${formatRepoIssue(i)}`),
    ...(report.online ?? []).map((c) => `${c.service}: ${c.name} ${c.outcome}${c.value === null ? "" : ` (${c.value})`}`)
  ];
  const e = report.errors.length;
  const subject = config ? `${config.file} (checked against ${ctx.options.production})` : `${CONFIG_FILE} on ${ctx.options.production}`;
  lines.push(
    report.valid ? `${subject} is valid: ${report.services.length} service(s), ${report.files.length} file(s) checked` : `${e} error${e === 1 ? "" : "s"} in ${config ? config.file : CONFIG_FILE} or the files it names`
  );
  return { exitCode: report.valid ? 0 : 1, text: `${lines.join("\n")}
`, json: report };
}
export {
  validate
};
