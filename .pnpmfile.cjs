// sqlite3 builds from source here (no reachable prebuilt binary). node-gyp needs Node's
// headers; on Debian's Node they live in /usr/include/node and pnpm does not pass
// npm_config_nodedir from .npmrc, so set it here -- only when unset and the headers exist,
// so every other machine keeps its defaults.
const fs = require('node:fs');
if (!process.env.npm_config_nodedir && fs.existsSync('/usr/include/node/node.h')) {
  process.env.npm_config_nodedir = '/usr';
}
module.exports = { hooks: {} };
