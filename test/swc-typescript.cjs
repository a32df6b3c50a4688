// The swc options that compile this project's TypeScript to CommonJS with decorators and their metadata
// (Nest DI): one definition for the jest transformer and the benchmark loader.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
