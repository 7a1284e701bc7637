import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-6BUZAHDW.js";
import "./chunk-ZX4B3CBA.js";
import "./chunk-SUWRR423.js";
import "./chunk-CUVWHWRB.js";
import "./chunk-FREPYL2I.js";
import "./chunk-5T4V2TLM.js";
import "./chunk-D4KBEEER.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-HNATCU6D.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
