// Keeps the package graph pointing one way: protocol <- core <- server/client <- the rest.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not depend on each other in a cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-depends-on-nothing-of-ours',
      severity: 'error',
      comment: 'The wire protocol is the bottom layer.',
      from: { path: '^packages/protocol/src' },
      to: { path: '^packages/(?!protocol/)' },
    },
    {
      name: 'core-depends-only-on-protocol',
      severity: 'error',
      comment: 'The core is pure: it may use the protocol, nothing else of ours and no Node built-ins.',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(?!(protocol|core)/)' },
    },
    {
      name: 'pure-packages-use-no-node-builtins',
      severity: 'error',
      comment: 'protocol and core run in browsers too.',
      from: { path: '^packages/(protocol|core)/src', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-depends-only-on-protocol-and-core',
      severity: 'error',
      comment: 'The client SDK sits beside the server: it may use protocol and core, nothing else of ours.',
      from: { path: '^packages/client/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(?!(protocol|core|client)/)' },
    },
    {
      name: 'client-uses-no-node-builtins',
      severity: 'error',
      comment: 'The client runs in browsers: fetch, streams and AbortSignal only, no Node built-ins.',
      from: { path: '^packages/client/src', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'postgres-depends-only-on-protocol-core-server',
      severity: 'error',
      comment: 'The PostgreSQL log is one more EventLog: it may use protocol, core and server, nothing else of ours.',
      from: { path: '^packages/postgres/src', pathNot: '\\.test\\.ts$' },
      // `@once/…` too: the cruiser leaves workspace package names unresolved here.
      to: { path: '^(packages/|@once/)(?!(protocol|core|server|postgres)(/|$))' },
    },
    {
      name: 'packages-do-not-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-deep-imports-across-packages',
      severity: 'error',
      comment: 'Import another package through its name and index.ts, not its files.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/(?!index\\.ts$)', pathNot: '^packages/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    preserveSymlinks: false,
    combinedDependencies: false,
  },
};
