import {buildDemoWorld} from "./test/helpers/demo-world.js";
import {writeFileSync} from "node:fs";
const w = await buildDemoWorld(process.argv[2], console.log);
writeFileSync(process.argv[2] + "/world.json", JSON.stringify(w));
