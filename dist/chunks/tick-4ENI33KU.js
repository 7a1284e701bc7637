import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-RWDGIZUP.js";
import "./chunk-KRYGS26F.js";
import "./chunk-M2IWM7PZ.js";
import "./chunk-XPXRQW3H.js";
import "./chunk-XKJUTSKO.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  formatTick,
  parseDeadline,
  tick
};
