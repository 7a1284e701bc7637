import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-P5MKZ26X.js";
import "./chunk-BGH4JQJ6.js";
import "./chunk-SUWRR423.js";
import "./chunk-7IOJPYT3.js";
import "./chunk-KKITNTEV.js";
import "./chunk-GZOI4HGP.js";
import "./chunk-V4UDSIKE.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-I27EEOVN.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
