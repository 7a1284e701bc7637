import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-YPNDLBIN.js";
import "./chunk-VJY7KVRZ.js";
import "./chunk-WSDMSZBO.js";
import "./chunk-7ZUIRUOL.js";
import "./chunk-MVDEBCXB.js";
import "./chunk-NNP5O4DH.js";
import "./chunk-XE7YLO33.js";
import "./chunk-7LGRGBHN.js";
import "./chunk-QRBNM7GE.js";
import "./chunk-XQGSMGWJ.js";
export {
  actorFrom,
  manualCommand
};
