import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-EDEBWGUS.js";
import "./chunk-3325JUC7.js";
import "./chunk-R4TTGALW.js";
import "./chunk-FP6DB4IN.js";
import "./chunk-KACMNSXW.js";
import "./chunk-3LIXOM53.js";
import "./chunk-R6SSZTZP.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
