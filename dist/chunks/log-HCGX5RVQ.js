import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-K5BHVU2H.js";
import "./chunk-2GCMGIGP.js";
import "./chunk-F3C5YA6V.js";
import "./chunk-PMCFO57E.js";
import "./chunk-CY7MOWSW.js";
import "./chunk-3LIXOM53.js";
import "./chunk-XQGSMGWJ.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
