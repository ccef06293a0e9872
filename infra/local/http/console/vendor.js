// The console's single import of the web app's vendored bundle (web/vendor/preact-htm.js, served beneath
// /_local/console/vendor/ by infra/local/http/console_files.py): one copy of Preact+htm in the repository.
export * from './vendor/preact-htm.js';
