import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-IJ6N2FI6.js";
import "./chunk-DDUZQMUE.js";
import "./chunk-LOWJ2MOH.js";
import "./chunk-PHDKCG4J.js";
import "./chunk-NI6FOOOK.js";
import "./chunk-CCVL6CI3.js";
import "./chunk-M7DHCKSF.js";
import "./chunk-JDCI377Z.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-6SNNWXVE.js";
export {
  actorFrom,
  manualCommand
};
