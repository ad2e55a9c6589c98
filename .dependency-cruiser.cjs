/**
 * The layer rules that tests/unit/boundaries.test.ts checks on every `npm test`.
 * README.md ("Architecture") explains the layers; each rule below says why it holds.
 * Type-only imports (`import type`) are erased at build time, so rules about values skip them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const IO_LIBRARIES = '^(node:)?(fs|net|http|https|child_process|dgram|tls)(/|$)';
const IO_PACKAGES = 'node_modules/(@mikro-orm|knex|nodemailer|agenda|@agendajs|socket\\.io|hono|@hono)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'server/domain holds the rules (permissions, pacing, statuses, SMTP outcomes) that the ' +
        'server and the browser share and that unit tests run without a database: it does no I/O, ' +
        'so it imports no other server layer, no I/O module of node and no I/O library.',
      severity: 'error',
      from: { path: '^server/domain/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: ['^server/(db|engine|http|live|mail|security|read-models)/', '^server/[^/]+\\.ts$', IO_LIBRARIES, IO_PACKAGES],
      },
    },
    {
      name: 'engine-through-its-front-door',
      comment:
        'The API and the live hub ask the engine for everything through server/engine/index.ts, ' +
        'built once in boot.ts, so the engine can change inside without touching its callers. ' +
        'The layers they lean on (read models, security, mail) keep to the same door, or they ' +
        'would be a back door into it.',
      severity: 'error',
      from: { path: '^server/(http|live|read-models|security|mail)/' },
      to: { path: '^server/engine/', pathNot: '^server/engine/(index|ports)\\.ts$' },
    },
    {
      name: 'engine-ports-as-types-only',
      comment:
        'The ports (server/engine/ports.ts) are the types the front door is written in (the event ' +
        'sink the hub implements, the transport mail implements), so these layers may name them; ' +
        'a value from there would be a back door into the engine.',
      severity: 'error',
      from: { path: '^server/(http|live|read-models|security|mail)/' },
      to: { path: '^server/engine/ports\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'live-is-not-http',
      comment:
        'server/live is a sibling of server/http, not a client of it: what both need (sessions, ' +
        'auth, read models) lives in server/security and server/read-models, and boot.ts hands ' +
        'the hub its functions. A web-only process could then drop either without the other.',
      severity: 'error',
      from: { path: '^server/live/' },
      to: { path: '^server/http/' },
    },
    {
      name: 'ui-takes-only-domain-values-from-server',
      comment:
        'The browser bundle may run server code only from server/domain (pure rules, shared so ' +
        'the UI and the API agree); anything else would pull the database or secrets into the ' +
        'bundle. Types of the server (the typed API client) are fine: import type is erased. ' +
        'Write `import type { … }`, not `import { type … }`: the cruiser counts both as type-only, ' +
        'but under verbatimModuleSyntax the second stays in the bundle as a side-effect import.',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: '^server/',
        pathNot: '^server/domain/',
      },
    },
    {
      name: 'no-circular-server',
      comment:
        'A cycle makes the load order decide which module sees an undefined import, and makes ' +
        'layers impossible to read one at a time.',
      severity: 'error',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'every-import-resolves',
      comment:
        'An import the cruiser cannot resolve (an alias it does not know, a typo) would slip past ' +
        'every rule above, so it fails the test instead.',
      severity: 'error',
      from: { path: '^(server|src)/' },
      // $app/* and ./$types are SvelteKit's own, declared as ambient types, not files.
      to: { couldNotResolve: true, pathNot: ['^\\$app/', '^\\./\\$types$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.svelte-kit|build)/' },
    // $server and $lib: tests/unit/boundaries.test.ts passes them from svelte.config.js.
    // Keep `import type` as its own dependency, so the rules can tell types from values.
    tsPreCompilationDeps: true,
    // .svelte files are compiled with svelte/compiler, whose output keeps the value imports of
    // each <script> (it drops `import type`, which no rule forbids anyway).
    extensions: ['.ts', '.js', '.mjs', '.svelte'],
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.svelte'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types', 'svelte'],
    },
  },
};
