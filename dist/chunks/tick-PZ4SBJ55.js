import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-5VLODCRK.js";
import "./chunk-4OVFIZ7B.js";
import "./chunk-W3KUJOXJ.js";
import "./chunk-KRXHMTZ6.js";
import "./chunk-26VATTBD.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
