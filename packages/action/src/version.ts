declare const __AIGATE_ACTION_VERSION__: string | undefined;

/** The action's version: set by the bundler from package.json; a marker when run from sources. */
export const VERSION: string = typeof __AIGATE_ACTION_VERSION__ === 'string' ? __AIGATE_ACTION_VERSION__ : '0.0.0-source';
