import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-232WB3JL.js";
import "./chunk-BAY73B2R.js";
import "./chunk-SUWRR423.js";
import "./chunk-SMWZLVHD.js";
import "./chunk-Q2N6WCKP.js";
import "./chunk-DEVAZYYQ.js";
import "./chunk-ONKCJAJO.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
