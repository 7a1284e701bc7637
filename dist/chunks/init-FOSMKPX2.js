import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  UsageError
} from "./chunk-R6SSZTZP.js";

// src/commands/init.ts
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
function templatesDir() {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, "..", "..", "templates"), join(here, "..", "templates")].find(
    (d) => existsSync(join(d, "workflow.yaml"))
  );
  if (!found) throw new UsageError("templates/ not found next to git-canary", { hint: "reinstall the package" });
  return found;
}
var INIT_FILES = {
  "git-canary.yaml": "git-canary.yaml",
  "workflow.yaml": ".github/workflows/git-canary.yaml"
};
async function init(ctx, opts) {
  const target = resolve(ctx.cwd, opts.dir ?? ".");
  const plan = Object.entries(INIT_FILES).map(([template, out]) => ({ template, out, path: join(target, out) }));
  const existing = plan.filter((p) => existsSync(p.path));
  if (existing.length > 0 && !opts.force) {
    throw new UsageError(`${existing.map((p) => p.out).join(", ")} already exist${existing.length === 1 ? "s" : ""} in ${target}`, {
      hint: "pass --force to overwrite"
    });
  }
  for (const p of plan) {
    await mkdir(dirname(p.path), { recursive: true });
    await writeFile(p.path, await readFile(join(templatesDir(), p.template), "utf8"));
  }
  const written = plan.map((p) => p.out);
  const text = [
    ...written.map((f) => `wrote ${f}`),
    "",
    "Next: edit git-canary.yaml for your services and commit it to the production branch;",
    "commit the workflow to your default branch (scheduled runs read it there) and to candidate",
    "and production (runs on push read it from the pushed branch).",
    "Then `git-canary validate --repo .` checks the config and every file it names."
  ].join("\n");
  return { exitCode: 0, text, json: { written, dir: target } };
}
export {
  INIT_FILES,
  init
};
