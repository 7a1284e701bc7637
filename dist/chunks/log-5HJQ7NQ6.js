import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-L6R2GHMC.js";
import "./chunk-OKSAYDFN.js";
import "./chunk-SUWRR423.js";
import "./chunk-NZOCB5D4.js";
import "./chunk-GPKUS7VK.js";
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
