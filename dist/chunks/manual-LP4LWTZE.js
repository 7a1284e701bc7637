import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-7DULWIN2.js";
import "./chunk-XNUPGWHL.js";
import "./chunk-X6JYXELB.js";
import "./chunk-OXIAOKOL.js";
import "./chunk-ZZELJMXQ.js";
import "./chunk-2HZFXFJ5.js";
import "./chunk-KAIRAQBO.js";
import "./chunk-23XMRP5I.js";
import "./chunk-5P5VL364.js";
import "./chunk-LA5X7BD7.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
