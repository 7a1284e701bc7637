import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-DIBILN5U.js";
import "./chunk-FA52E2XX.js";
import "./chunk-LMCB56X6.js";
import "./chunk-WSTP5PMI.js";
import "./chunk-W2HVVNY6.js";
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
