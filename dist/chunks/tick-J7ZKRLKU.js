import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-H45DBZFR.js";
import "./chunk-Z2DCCV7M.js";
import "./chunk-762P2NSQ.js";
import "./chunk-D2DLSHUC.js";
import "./chunk-VVJXGCZ7.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-VDPBMMNM.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
