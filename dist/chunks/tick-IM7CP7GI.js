import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-NCCK2EI4.js";
import "./chunk-KOGAAQ6X.js";
import "./chunk-EDE3EELU.js";
import "./chunk-ZVXCS7GG.js";
import "./chunk-F3C5YA6V.js";
import "./chunk-PMCFO57E.js";
import "./chunk-CY7MOWSW.js";
import "./chunk-3LIXOM53.js";
import "./chunk-XQGSMGWJ.js";
export {
  formatTick,
  parseDeadline,
  tick
};
