// Keeps the package graph pointing one way:
//
//   protocol ← core ← producer ← agent ← ai-sdk
//   protocol, core ← client ← ai-sdk (its browser half, src/chat)
//   protocol ← log ← sqlite, postgres
//   protocol, core, log, producer ← server ← ai-sdk (its endpoints are a route set of the server)
//   protocol, core ← client ← react
//
// and apps on top. Each package's sources may import only the packages listed for it
// below (tests may import more: a server test opens a SQLite log).

/** Which of our packages each package's sources may import, besides itself. */
const allowed = {
  protocol: [],
  core: ['protocol'],
  log: ['protocol'],
  producer: ['protocol', 'core'],
  sqlite: ['protocol', 'log'],
  postgres: ['protocol', 'log'],
  server: ['protocol', 'core', 'log', 'producer'],
  agent: ['protocol', 'core', 'producer'],
  'ai-sdk': ['protocol', 'core', 'client', 'producer', 'agent', 'server'],
  client: ['protocol', 'core'],
  react: ['protocol', 'core', 'client'],
  testing: ['protocol', 'core', 'log'],
};

/** Packages that run in browsers and edge runtimes too: no Node built-ins. */
const portable = ['protocol', 'core', 'producer', 'client'];

/** One rule per package: its sources import only what `allowed` lists. */
const packageRules = Object.entries(allowed).map(([name, dependencies]) => ({
  name: `${name}-depends-only-on-${dependencies.length === 0 ? 'nothing-of-ours' : dependencies.join('-')}`,
  severity: 'error',
  comment: `@once/${name} may import ${dependencies.length === 0 ? 'nothing of ours' : dependencies.map((dependency) => `@once/${dependency}`).join(', ')}.`,
  from: { path: `^packages/${name}/src`, pathNot: '\\.test\\.tsx?$' },
  // `@once/…` too: the cruiser leaves workspace package names unresolved here.
  to: { path: `^(packages/|@once/)(?!(${[name, ...dependencies].join('|')})(/|$))` },
}));

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
    ...packageRules,
    {
      name: 'portable-packages-use-no-node-builtins',
      severity: 'error',
      comment: `${portable.join(', ')} run in browsers and edge runtimes too: no Node built-ins.`,
      from: { path: `^packages/(${portable.join('|')})/src`, pathNot: '\\.test\\.tsx?$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ai-sdk-chat-is-portable',
      severity: 'error',
      comment:
        '@once/ai-sdk/chat (useChat on Once) runs in browsers: nothing of @once/agent, @once/producer or @once/server, and of its own package only the chat and ui-message folders.',
      from: { path: '^packages/ai-sdk/src/chat/', pathNot: '\\.test\\.tsx?$' },
      to: {
        path: '^((packages/|@once/)(agent|producer|server)(/|$)|packages/ai-sdk/src/(?!(chat|ui-message)/))',
      },
    },
    {
      name: 'ai-sdk-chat-uses-no-node-builtins',
      severity: 'error',
      comment: '@once/ai-sdk/chat runs in browsers: no Node built-ins.',
      from: { path: '^packages/ai-sdk/src/chat/', pathNot: '\\.test\\.tsx?$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'every-package-has-a-rule',
      severity: 'error',
      comment: 'A new package gets its line in `allowed` above, so its dependencies are decided, not accidental.',
      from: { path: `^packages/(?!(${Object.keys(allowed).join('|')})/)[^/]+/src` },
      to: {},
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
