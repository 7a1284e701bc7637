import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-YTMYGG5H.js";
import "./chunk-AE3VEY6F.js";
import "./chunk-RJE6BSBU.js";
import "./chunk-UM7NJFJO.js";
import "./chunk-EM3M36D5.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-QIB6UPK7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
