import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-NLLQC3GM.js";
import "./chunk-K4Y337Q3.js";
import "./chunk-564XH7YI.js";
import "./chunk-5TGI4PAB.js";
import "./chunk-EWRIAWHZ.js";
import "./chunk-7GH7ARYR.js";
import "./chunk-ETY7ETAP.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VJNO7JX6.js";
export {
  actorFrom,
  manualCommand
};
