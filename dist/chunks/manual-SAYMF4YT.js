import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-WLQIBJDX.js";
import "./chunk-5GKJTYE3.js";
import "./chunk-H7FX2BAT.js";
import "./chunk-YJRI7D54.js";
import "./chunk-TY6ACEEJ.js";
import "./chunk-R6SSZTZP.js";
export {
  actorFrom,
  manualCommand
};
