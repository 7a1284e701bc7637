import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-3O2R7ILY.js";
import "./chunk-TVGF4ETR.js";
import "./chunk-KQVJGKZN.js";
import "./chunk-2AAOFVEY.js";
import "./chunk-3WFS5W4P.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
