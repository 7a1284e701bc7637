import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-FHERUYY6.js";
import "./chunk-OKSAYDFN.js";
import "./chunk-SUWRR423.js";
import "./chunk-762P2NSQ.js";
import "./chunk-VVJXGCZ7.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-VDPBMMNM.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
