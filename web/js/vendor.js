// The app's single import of the vendored bundle (web/vendor/build.sh), so the path lives in one place.
export * from '../vendor/preact-htm.js';
