import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-IJYFA7IU.js";
import "./chunk-WXLMPVGS.js";
import "./chunk-S7WIXXAT.js";
import "./chunk-VWXIPNGA.js";
import "./chunk-PPZSUN4F.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  formatTick,
  parseDeadline,
  tick
};
