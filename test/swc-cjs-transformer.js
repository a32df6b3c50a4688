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

module.exports = {
  canInstrument: false,
  process(src, file, opts) {
    if (/\.[cm]?tsx?$/.test(file)) return ts.process(src, file, opts);
    if (file.endsWith('.cjs') || !ESM_SYNTAX.test(src)) return { code: src };
    return esm.process(src, file, opts);
  },
  getCacheKey(src, file, opts) {
    return createHash('sha1')
      .update('dateline-swc-cjs-v2\0')
      .update(src)
      .update('\0')
      .update(file)
      .update('\0')
      .update(opts.configString)
      .digest('hex');
  },
};
