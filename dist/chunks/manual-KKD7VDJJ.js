import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-RCTSP75S.js";
import "./chunk-2DSGEMKD.js";
import "./chunk-SUWRR423.js";
import "./chunk-RPVXDX76.js";
import "./chunk-2T4ZO4U7.js";
import "./chunk-ULDJ7O5Z.js";
import "./chunk-IW6UXUWL.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-QIB6UPK7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
