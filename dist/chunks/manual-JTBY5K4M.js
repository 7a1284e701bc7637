import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-G7TR5PBU.js";
import "./chunk-G47XFOTZ.js";
import "./chunk-IH6P7TRL.js";
import "./chunk-CCI5WVWC.js";
import "./chunk-BNIQIDB5.js";
import "./chunk-YAFMQYST.js";
import "./chunk-XE7YLO33.js";
import "./chunk-M3V74LTW.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  actorFrom,
  manualCommand
};
