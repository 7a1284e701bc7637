import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-VU3UF2L5.js";
import "./chunk-BAQ566U4.js";
import "./chunk-V6QBVJ45.js";
import "./chunk-ZVXCS7GG.js";
import "./chunk-QDG7O2HU.js";
import "./chunk-NO4NVWQD.js";
import "./chunk-M3V74LTW.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  formatTick,
  parseDeadline,
  tick
};
