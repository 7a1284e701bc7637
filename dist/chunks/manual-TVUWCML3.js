import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-CWU3F3GQ.js";
import "./chunk-IRAC3ZYV.js";
import "./chunk-SUWRR423.js";
import "./chunk-HPVJC2R4.js";
import "./chunk-BGU4BZRV.js";
import "./chunk-IYNH6RFQ.js";
import "./chunk-EC5MA4HU.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
