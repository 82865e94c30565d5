// Layers (docs/architecture.md): domain <- src/kernel <- {projections, legacy-sync, reports} <- the rest of src/.
// Imports only point down; no cycle anywhere. `npm run lint` runs this; a violation names its rule.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment:
        'Import cycles make load order and layering fragile: break the cycle by moving the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'domain/ holds pure rules: it imports no other layer and no Node module (eslint also bars frameworks and drivers there).',
      from: { path: '^domain/' },
      to: {
        path: '^(src|projections|legacy-sync|reports|test)/',
      },
    },
    {
      name: 'domain-no-node',
      severity: 'error',
      comment: 'domain/ holds pure rules: no Node I/O, clock or crypto.',
      from: { path: '^domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'kernel-below-modules',
      severity: 'error',
      comment:
        'src/kernel/ is imported by projections, legacy-sync, reports and src/; it imports only domain/ and itself.',
      from: { path: '^src/kernel/' },
      to: { path: '^(projections|legacy-sync|reports|src)/', pathNot: '^src/kernel/' },
    },
    {
      name: 'middle-layers-below-src',
      severity: 'error',
      comment:
        'projections/, legacy-sync/ and reports/ sit below the feature modules: they may import domain/ and src/kernel/, not the rest of src/.',
      from: { path: '^(projections|legacy-sync|reports)/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'controllers-no-db',
      severity: 'error',
      comment:
        'A controller maps input to a command or a query and nothing else: it reaches the database through a handler or a query service, never the Db port.',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '^src/kernel/database/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file cannot be checked against the layers.',
      from: {},
      to: { couldNotResolve: true, path: '^[.]' },
    },
    {
      name: 'no-production-import-of-tests',
      severity: 'error',
      comment: 'Production code never imports test/ code.',
      from: { pathNot: '^test/|\\.spec\\.ts$|\\.testkit\\.ts$' },
      to: { path: '^test/|\\.testkit\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage|data)/' },
    tsPreCompilationDeps: true,
    // Worktrees may link node_modules: keep the link's path so rules see node_modules/….
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
