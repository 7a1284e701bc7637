import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-JR4EOFUM.js";
import "./chunk-3E6IOLKY.js";
import "./chunk-3IKCYSMG.js";
import "./chunk-OTTW7C32.js";
import "./chunk-P5DQRWYX.js";
import "./chunk-JYLLJUQ7.js";
import "./chunk-3LIXOM53.js";
import "./chunk-KMSIUQAE.js";
import "./chunk-3SYWMJHA.js";
import "./chunk-NUWHMPWX.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  formatTick,
  parseDeadline,
  tick
};
