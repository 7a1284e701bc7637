import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-ZWKSTTCB.js";
import "./chunk-Z24M3M5M.js";
import "./chunk-MVDEBCXB.js";
import "./chunk-NNP5O4DH.js";
import "./chunk-XE7YLO33.js";
import "./chunk-7LGRGBHN.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
