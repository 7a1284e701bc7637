import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  parseDeadline,
  shardOption,
  tick
} from "./chunk-BNYIPZWU.js";
import "./chunk-UNRAGIW6.js";
import "./chunk-GC5ZNIGH.js";
import "./chunk-6KZ3VJPV.js";
import "./chunk-BYSPTKVM.js";
import "./chunk-IVUUAOBA.js";
import {
  parseDuration
} from "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import {
  flushMemos
} from "./chunk-DQCITK7L.js";
import {
  CanaryError,
  UsageError
} from "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";

// src/commands/watch.ts
async function watch(ctx, opts) {
  let everyMs;
  try {
    everyMs = parseDuration(opts.every ?? "30s");
  } catch {
    throw new UsageError(`--every ${opts.every} is not a duration`, { hint: "write it like 30s, 5m or 1m30s" });
  }
  const times = opts.times === void 0 ? Number.POSITIVE_INFINITY : Number(opts.times);
  if (!Number.isInteger(times) && times !== Number.POSITIVE_INFINITY) {
    throw new UsageError(`--times ${opts.times} must be a whole number of ticks`);
  }
  if (!(times >= 1)) throw new UsageError(`--times ${opts.times} must be at least 1`);
  parseDeadline(opts.deadline);
  shardOption(opts.shard, opts.service);
  let stopping = false;
  let wake;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let ticks = 0;
  let failures = 0;
  try {
    while (!stopping && ticks < times) {
      ticks++;
      try {
        const r = await tick(ctx, {
          dryRun: opts.dryRun,
          service: opts.service,
          ...opts.deadline !== void 0 ? { deadline: opts.deadline } : {},
          ...opts.shard !== void 0 ? { shard: opts.shard } : {}
        });
        process.stdout.write(ctx.options.json ? `${JSON.stringify(r.json)}
` : r.text);
        for (const line of r.errors ?? []) process.stderr.write(`error: ${line}
`);
      } catch (e) {
        failures++;
        process.stderr.write(`error: ${e instanceof CanaryError ? e.oneLine() : String(e)}
`);
      }
      await flushMemos();
      if (ticks < times && !stopping) {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, everyMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = void 0;
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return { exitCode: failures > 0 && failures === ticks ? 1 : 0, text: "", json: void 0 };
}
export {
  watch
};
