import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  DEFAULT_CANDIDATE,
  askRefsEarly,
  isUrl,
  sessionRefs,
  tokenOf
} from "./chunk-KMSIUQAE.js";
import "./chunk-3SYWMJHA.js";
import "./chunk-NUWHMPWX.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  DEFAULT_CANDIDATE,
  askRefsEarly,
  isUrl,
  sessionRefs,
  tokenOf
};
