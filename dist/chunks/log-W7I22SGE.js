import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
} from "./chunk-5CTSXE32.js";
import "./chunk-7AXLAMT4.js";
import "./chunk-EWRIAWHZ.js";
import "./chunk-7GH7ARYR.js";
import "./chunk-ETY7ETAP.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VJNO7JX6.js";
export {
  limitsOf,
  log,
  parseOutcomes,
  parseSince
};
