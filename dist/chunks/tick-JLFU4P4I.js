import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-T33PIRHS.js";
import "./chunk-SMWZLVHD.js";
import "./chunk-Q2N6WCKP.js";
import "./chunk-DEVAZYYQ.js";
import "./chunk-ONKCJAJO.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
