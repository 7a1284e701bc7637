import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom,
  manualCommand
} from "./chunk-G4RXSKHB.js";
import "./chunk-D46EQ7BI.js";
import "./chunk-SUWRR423.js";
import "./chunk-QGGYK26C.js";
import "./chunk-I2K7K36O.js";
import "./chunk-TGQAXZQK.js";
import "./chunk-MYGTZNKV.js";
import "./chunk-DHENXVDC.js";
import "./chunk-5LSMR7TZ.js";
import "./chunk-HNATCU6D.js";
import "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";
export {
  actorFrom,
  manualCommand
};
