import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  tick
} from "./chunk-7IS6HGGJ.js";
import "./chunk-GS3ZFMSY.js";
import "./chunk-KC5EJ35C.js";
import "./chunk-3Z24TMCT.js";
import "./chunk-GFDGAIW5.js";
import "./chunk-R6SSZTZP.js";
export {
  formatTick,
  tick
};
