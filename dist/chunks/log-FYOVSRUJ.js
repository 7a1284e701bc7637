import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-LXDTBN7B.js";
import "./chunk-OHCT2WZ5.js";
import "./chunk-BNIQIDB5.js";
import "./chunk-YAFMQYST.js";
import "./chunk-XE7YLO33.js";
import "./chunk-M3V74LTW.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
