import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-UREEZDXT.js";
import "./chunk-EKFHJQE2.js";
import "./chunk-SUWRR423.js";
import "./chunk-ZPGXMTUO.js";
import "./chunk-BINGI6YM.js";
import "./chunk-SQYIBSCX.js";
import "./chunk-I6XLPNMR.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
