import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-VKKJPTT5.js";
import "./chunk-5NG2YD3V.js";
import "./chunk-X6JYXELB.js";
import "./chunk-WG3P72P2.js";
import "./chunk-R3JYOXPW.js";
import "./chunk-FEJ5CR73.js";
import "./chunk-MB5IXAEL.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
