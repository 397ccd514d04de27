export { collectWorkspace, decodeText, DEFAULT_MAX_FILE_SIZE, type CollectOptions, type CollectedWorkspace } from './collect.js';
export { checkDirectory, findRoot, type DirectoryCheck, type DirectoryCheckOptions } from './check-directory.js';
