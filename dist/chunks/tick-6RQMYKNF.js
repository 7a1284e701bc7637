import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-BNYIPZWU.js";
import "./chunk-UNRAGIW6.js";
import "./chunk-GC5ZNIGH.js";
import "./chunk-6KZ3VJPV.js";
import "./chunk-BYSPTKVM.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
