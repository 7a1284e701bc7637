import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-SHGDGX6T.js";
import "./chunk-Y5CNUGYS.js";
import "./chunk-B2AIWCZG.js";
import "./chunk-ENDODULT.js";
import "./chunk-R4TTGALW.js";
import "./chunk-FP6DB4IN.js";
import "./chunk-KACMNSXW.js";
import "./chunk-3LIXOM53.js";
import "./chunk-R6SSZTZP.js";
export {
  actorFrom,
  manualCommand
};
