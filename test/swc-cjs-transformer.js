// Jest transformer for Node 20: TypeScript -> CommonJS (decorators + metadata), and any ESM .js/.mjs
// file (the Nest 12 packages and other ESM-only dependencies, detected by syntax) -> CommonJS, so the
// whole test runtime is one CJS module registry.
const { createHash } = require('node:crypto');
const { createTransformer } = require('@swc/jest');

const ts = createTransformer(require('./swc-typescript.cjs'));
const esm = createTransformer({
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023', keepClassNames: true },
  module: { type: 'commonjs' },
});
const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s*[\w{*])|\bimport\.meta\b/m;
// Node's require(esm) hands out the export named "module.exports" as the module itself (packages built for
// the module-sync condition use it, e.g. generator-function); the CJS output does the same.
const MODULE_EXPORTS_NAME = /\bas\s*(['"])module\.exports\1/;
const ADOPT_MODULE_EXPORTS =
  "\nif (Object.prototype.hasOwnProperty.call(exports, 'module.exports')) module.exports = exports['module.exports'];\n";

module.exports = {
  canInstrument: false,
  process(src, file, opts) {
    if (/\.[cm]?tsx?$/.test(file)) return ts.process(src, file, opts);
    if (file.endsWith('.cjs') || !ESM_SYNTAX.test(src)) return { code: src };
    const out = esm.process(src, file, opts);
    if (!MODULE_EXPORTS_NAME.test(src)) return out;
    return { ...out, code: out.code + ADOPT_MODULE_EXPORTS };
  },
  getCacheKey(src, file, opts) {
    return createHash('sha1')
      .update('dateline-swc-cjs-v3\0')
      .update(src)
      .update('\0')
      .update(file)
      .update('\0')
      .update(opts.configString)
      .digest('hex');
  },
};
