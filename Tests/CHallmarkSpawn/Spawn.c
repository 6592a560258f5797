// posix_spawn with what glibc offers beyond POSIX (closefrom, chdir), which Swift's Glibc module does not import.
#define _GNU_SOURCE
#include "CHallmarkSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

static int redirect(posix_spawn_file_actions_t *actions, int from, int to) {
    if (from < 0) return posix_spawn_file_actions_addopen(actions, to, "/dev/null", O_RDWR, 0);
    return posix_spawn_file_actions_adddup2(actions, from, to);
}

int hallmark_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
                   int input, int output, int error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int status = posix_spawn_file_actions_init(&actions);
    if (status != 0) return status;
    status = posix_spawnattr_init(&attributes);
    if (status != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return status;
    }
    sigset_t none;
    sigemptyset(&none);
    if (status == 0) status = redirect(&actions, input, STDIN_FILENO);
    if (status == 0) status = redirect(&actions, output, STDOUT_FILENO);
    if (status == 0) status = redirect(&actions, error, STDERR_FILENO);
    if (status == 0 && directory != NULL) status = posix_spawn_file_actions_addchdir_np(&actions, directory);
    if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (status == 0) status = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    if (status == 0) status = posix_spawnattr_setsigmask(&attributes, &none);
    if (status == 0) status = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return status;
}

int hallmark_pipe(int descriptors[2]) {
    return pipe2(descriptors, O_CLOEXEC) == 0 ? 0 : errno;
}
