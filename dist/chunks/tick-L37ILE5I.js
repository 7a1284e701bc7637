import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-XI5TZBDX.js";
import "./chunk-GLHK7GZX.js";
import "./chunk-YJDI6FSY.js";
import "./chunk-BVRXEWOO.js";
import "./chunk-HONKVJ4V.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-WODD2JAB.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
