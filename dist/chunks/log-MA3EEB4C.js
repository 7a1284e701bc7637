import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-RRMGZFJQ.js";
import "./chunk-7SGFYTUF.js";
import "./chunk-U7AFPR7V.js";
import "./chunk-FP6DB4IN.js";
import "./chunk-CPVHMNNH.js";
import "./chunk-3LIXOM53.js";
import "./chunk-R6SSZTZP.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
