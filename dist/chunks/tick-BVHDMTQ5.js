import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-26M7555X.js";
import "./chunk-5DLO7XMS.js";
import "./chunk-JWVWEH37.js";
import "./chunk-FEOF4DL5.js";
import "./chunk-A4SJYJMD.js";
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
