import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-KEAWMFYK.js";
import "./chunk-7JP2UGMA.js";
import "./chunk-X6JYXELB.js";
import "./chunk-Y46ALT4G.js";
import "./chunk-XTXS7QX7.js";
import "./chunk-RYD6L6CS.js";
import "./chunk-DCV7BD3F.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
