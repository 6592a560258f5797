#ifndef CHALLMARK_SPAWN_H
#define CHALLMARK_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (both NULL-terminated) in `directory` (or the current one when NULL), its
/// standard input, output and error on the descriptors given (/dev/null for -1), every other descriptor closed, in a
/// process group of its own, with no signal blocked. Returns 0 and sets `*pid`, or an errno value.
int hallmark_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
                   int input, int output, int error);

/// A pipe whose two ends are closed on exec, so that no other child started meanwhile inherits them.
/// Returns 0, or an errno value.
int hallmark_pipe(int descriptors[2]);

#endif
