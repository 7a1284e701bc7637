import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-2PJWVENU.js";
import "./chunk-OIFZX6BT.js";
import "./chunk-X6JYXELB.js";
import "./chunk-DOBRLFBU.js";
import "./chunk-YYKOJK4G.js";
import "./chunk-VGK7CZTP.js";
import "./chunk-ISLBOHPN.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
