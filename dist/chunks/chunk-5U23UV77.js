import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  UsageError
} from "./chunk-SZWPCBNB.js";

// src/log-levels.ts
var LEVEL_VALUES = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 };
var LOG_LEVELS = [...Object.keys(LEVEL_VALUES), "silent"];
function thresholdOf(level) {
  if (level === "silent") return Number.POSITIVE_INFINITY;
  return Object.hasOwn(LEVEL_VALUES, level) ? LEVEL_VALUES[level] : void 0;
}
function logLevelFrom(env, fallback = "warn") {
  const raw = env.GIT_CANARY_LOG_LEVEL;
  if (raw === void 0 || raw.trim() === "") return fallback;
  const level = raw.trim().toLowerCase();
  if (LOG_LEVELS.includes(level)) return level;
  throw new UsageError(`GIT_CANARY_LOG_LEVEL is not a log level: ${JSON.stringify(raw)}`, {
    hint: `use one of ${LOG_LEVELS.join(", ")}`
  });
}

export {
  LEVEL_VALUES,
  LOG_LEVELS,
  thresholdOf,
  logLevelFrom
};
