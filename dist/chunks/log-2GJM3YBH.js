import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-LCF3LTQJ.js";
import "./chunk-OKSAYDFN.js";
import "./chunk-SUWRR423.js";
import "./chunk-FREPYL2I.js";
import "./chunk-D4KBEEER.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-HNATCU6D.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
