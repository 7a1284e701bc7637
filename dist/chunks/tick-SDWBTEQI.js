import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-UK6W4ENB.js";
import "./chunk-CUVWHWRB.js";
import "./chunk-FREPYL2I.js";
import "./chunk-5T4V2TLM.js";
import "./chunk-D4KBEEER.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-HNATCU6D.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
