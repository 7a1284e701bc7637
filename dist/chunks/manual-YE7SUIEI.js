import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-KXFQA5LQ.js";
import "./chunk-36XRZEXQ.js";
import "./chunk-KRYGS26F.js";
import "./chunk-M2IWM7PZ.js";
import "./chunk-NI6FOOOK.js";
import "./chunk-XPXRQW3H.js";
import "./chunk-XKJUTSKO.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  actorFrom,
  manualCommand
};
