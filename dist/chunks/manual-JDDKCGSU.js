import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-M77AEBS2.js";
import "./chunk-QUDMOWKS.js";
import "./chunk-SUWRR423.js";
import "./chunk-VHYNUNN2.js";
import "./chunk-5JMOD46Z.js";
import "./chunk-GI3X4L64.js";
import "./chunk-XYKALFTN.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-656TWSNF.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
