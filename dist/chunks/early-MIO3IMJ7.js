import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  DEFAULT_CANDIDATE,
  askRefsEarly,
  isUrl,
  memoDirOf,
  sessionRefs,
  tokenOf
} from "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  DEFAULT_CANDIDATE,
  askRefsEarly,
  isUrl,
  memoDirOf,
  sessionRefs,
  tokenOf
};
