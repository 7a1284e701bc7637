import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-WZYYYRVX.js";
import "./chunk-IH6P7TRL.js";
import "./chunk-CCI5WVWC.js";
import "./chunk-ZVXCS7GG.js";
import "./chunk-YAFMQYST.js";
import "./chunk-XE7YLO33.js";
import "./chunk-M3V74LTW.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  formatTick,
  parseDeadline,
  tick
};
