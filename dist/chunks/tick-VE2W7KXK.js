import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatTick,
  parseDeadline,
  tick
} from "./chunk-XDNUZDX5.js";
import "./chunk-WSDMSZBO.js";
import "./chunk-7ZUIRUOL.js";
import "./chunk-ZVXCS7GG.js";
import "./chunk-NNP5O4DH.js";
import "./chunk-XE7YLO33.js";
import "./chunk-7LGRGBHN.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  formatTick,
  parseDeadline,
  tick
};
