import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-6MYYPY4E.js";
import "./chunk-HPVJC2R4.js";
import "./chunk-BGU4BZRV.js";
import "./chunk-IYNH6RFQ.js";
import "./chunk-EC5MA4HU.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
