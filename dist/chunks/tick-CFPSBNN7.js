import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-XFTZRQQJ.js";
import "./chunk-CZG6CEZJ.js";
import "./chunk-LS3IFKSN.js";
import "./chunk-M3FACET3.js";
import "./chunk-BWPWQKUH.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-VTRZZVXX.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
