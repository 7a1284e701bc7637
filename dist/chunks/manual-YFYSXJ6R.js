import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-NHM7LWQQ.js";
import "./chunk-YLI57O3N.js";
import "./chunk-SUWRR423.js";
import "./chunk-ESMPFTZD.js";
import "./chunk-NZOCB5D4.js";
import "./chunk-RL2EVYAK.js";
import "./chunk-GPKUS7VK.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-I27EEOVN.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
