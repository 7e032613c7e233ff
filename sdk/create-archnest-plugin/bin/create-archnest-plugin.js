#!/usr/bin/env node
// `npm create archnest-plugin NAME` runs this bin: the starter of `npm create @archnest/plugin`, for
// where create-archnest-plugin is on the default registry. Both run the CLI's own `create`.
import "@archnest/create-plugin/bin/create-plugin.js";
