import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-5O6YXGMY.js";
import "./chunk-SNJPZVNM.js";
import "./chunk-7IKBYBUC.js";
import "./chunk-LYP4XV2U.js";
import "./chunk-Z5J4KU5O.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-FZ4A4ETF.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
