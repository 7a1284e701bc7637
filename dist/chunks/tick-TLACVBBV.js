import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-X6CWY3AF.js";
import "./chunk-SSA62ZT6.js";
import "./chunk-DQSAIDI4.js";
import "./chunk-MNVFCUTQ.js";
import "./chunk-LS25D62T.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
