import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-RTS2ZK2I.js";
import "./chunk-2C5BEM4I.js";
import "./chunk-X3OIQ6DV.js";
import "./chunk-T4Z5EA2Q.js";
import "./chunk-GC5ZNIGH.js";
import "./chunk-6KZ3VJPV.js";
import "./chunk-BYSPTKVM.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
