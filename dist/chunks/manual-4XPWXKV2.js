import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-ZH4F5PEC.js";
import "./chunk-FQPPN4BP.js";
import "./chunk-WXLMPVGS.js";
import "./chunk-S7WIXXAT.js";
import "./chunk-NI6FOOOK.js";
import "./chunk-VWXIPNGA.js";
import "./chunk-PPZSUN4F.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  actorFrom,
  manualCommand
};
