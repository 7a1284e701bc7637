import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  createLogger,
  redactSecrets,
  silentLogger
} from "./chunk-H3F2JV3V.js";
import {
  LOG_LEVELS,
  logLevelFrom
} from "./chunk-5U23UV77.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  LOG_LEVELS,
  createLogger,
  logLevelFrom,
  redactSecrets,
  silentLogger
};
