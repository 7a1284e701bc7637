import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-5N6XQKKD.js";
import "./chunk-OKSAYDFN.js";
import "./chunk-SUWRR423.js";
import "./chunk-DQSAIDI4.js";
import "./chunk-LS25D62T.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
