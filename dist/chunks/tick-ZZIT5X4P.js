import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-26I57LCC.js";
import "./chunk-AXZ5G4ZW.js";
import "./chunk-FUR76MFS.js";
import "./chunk-M4GUXMNZ.js";
import "./chunk-FMEX7YM4.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-A7DIDY7O.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
