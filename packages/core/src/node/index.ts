export { collectWorkspace, decodeText, DEFAULT_MAX_FILE_SIZE, type CollectOptions, type CollectedWorkspace } from './collect.js';
export { checkDirectory, findRoot, policyKey, whyUnreadable, type DirectoryCheck, type DirectoryCheckOptions } from './check-directory.js';
export { gitTreeSource, runGit, gitText, gitTopLevel, resolveCommit, hasCommit, mergeBase, changedFiles, listCommitFiles, GitError, WORKING_TREE, type GitTreeSource, type GitTreeSourceOptions } from './git.js';
