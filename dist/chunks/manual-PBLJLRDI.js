import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-VRW37XKV.js";
import "./chunk-SRUXGSW4.js";
import "./chunk-SUWRR423.js";
import "./chunk-3RIE7Q4T.js";
import "./chunk-N74KIOCD.js";
import "./chunk-BYPN3VKR.js";
import "./chunk-GXICTYKP.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-VTRZZVXX.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
