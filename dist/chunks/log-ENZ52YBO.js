import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-2TZWMC2A.js";
import "./chunk-MHQPDBFJ.js";
import "./chunk-NI6FOOOK.js";
import "./chunk-VWXIPNGA.js";
import "./chunk-PPZSUN4F.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
