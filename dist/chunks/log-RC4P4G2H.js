import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-JB74C4RX.js";
import "./chunk-OKSAYDFN.js";
import "./chunk-SUWRR423.js";
import "./chunk-KKITNTEV.js";
import "./chunk-V4UDSIKE.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-I27EEOVN.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
