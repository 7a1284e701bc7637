import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-CETF5645.js";
import "./chunk-Z4CT7UXE.js";
import "./chunk-SUWRR423.js";
import "./chunk-ZAUCNFUY.js";
import "./chunk-4H43K7ZB.js";
import "./chunk-S4WKMUMH.js";
import "./chunk-AXYHYCPQ.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
