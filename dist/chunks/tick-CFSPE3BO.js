import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  tick
} from "./chunk-5PHHZGTW.js";
import "./chunk-B2AIWCZG.js";
import "./chunk-ENDODULT.js";
import "./chunk-4IOW6N7U.js";
import "./chunk-R4TTGALW.js";
import "./chunk-FP6DB4IN.js";
import "./chunk-KACMNSXW.js";
import "./chunk-3LIXOM53.js";
import "./chunk-R6SSZTZP.js";
export {
  formatTick,
  tick
};
