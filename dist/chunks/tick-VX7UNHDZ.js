import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  tick
} from "./chunk-RYFDENKV.js";
import "./chunk-JIACUOM2.js";
import "./chunk-ENDODULT.js";
import "./chunk-4IOW6N7U.js";
import "./chunk-U7AFPR7V.js";
import "./chunk-FP6DB4IN.js";
import "./chunk-CPVHMNNH.js";
import "./chunk-3LIXOM53.js";
import "./chunk-R6SSZTZP.js";
export {
  formatTick,
  tick
};
