import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-E22N6M6V.js";
import "./chunk-6CXCEQLC.js";
import "./chunk-X6JYXELB.js";
import "./chunk-6O4NOP7A.js";
import "./chunk-VZCHJEX5.js";
import "./chunk-DJLSJT23.js";
import "./chunk-J7RM7KFM.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
