import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-SNHWUGOJ.js";
import "./chunk-C3ORHFFM.js";
import "./chunk-SUWRR423.js";
import "./chunk-O4CNKUD4.js";
import "./chunk-4JK2YCZ5.js";
import "./chunk-HSHKAPHE.js";
import "./chunk-WM3SRZFT.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
