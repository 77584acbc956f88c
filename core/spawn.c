/* spawn.c: runs hubdesk-sandbox beside the console for the demo and for workshops. */
#include "spawn.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SANDBOX_BIN "hubdesk-sandbox"

static void sandbox_path(char *out, size_t outsz)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            int n2 = snprintf(out, outsz, "%s/%s", self, SANDBOX_BIN);
            if (n2 > 0 && (size_t)n2 < outsz && access(out, X_OK) == 0)
                return;
        }
    }
    snprintf(out, outsz, "%s", SANDBOX_BIN);
}

static void exec_child(const char *path, const char *const *extra, int out_fd)
{
    const char *argv[32] = {path, "--listen", "127.0.0.1:0"};
    size_t n = 3;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO); /* the console owns the terminal */
    setpgid(0, 0);                /* Ctrl-C goes to the console, which stops us in order */
    execvp(path, (char *const *)argv);
    _exit(127);
}

/* Reads the first line within the deadline. */
static int read_first_line(int fd, char *buf, size_t bufsz)
{
    size_t len = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (len + 1 < bufsz) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = 5000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t n = read(fd, buf + len, 1);
        if (n <= 0)
            return -1;
        if (buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    return 0;
}

int sandbox_child_start(const char *const *extra_args, sandbox_child *out, char *err,
                        size_t errsz)
{
    char path[PATH_MAX], line[256];
    int fds[2];
    sandbox_path(path, sizeof path);
    memset(out, 0, sizeof *out);
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errsz, "%s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errsz, "%s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0)
        exec_child(path, extra_args, fds[1]);
    close(fds[1]);
    out->pid = pid;
    const char *prefix = "hubdesk-sandbox listening on ";
    int ok = read_first_line(fds[0], line, sizeof line) == 0 &&
             strncmp(line, prefix, strlen(prefix)) == 0;
    /* Keep our end open: a sandbox that writes again must not die of SIGPIPE. */
    out->out_fd = fds[0];
    if (!ok) {
        snprintf(err, errsz, _("the sandbox hub (%s) did not start"), path);
        sandbox_child_stop(out);
        return -1;
    }
    const char *url = line + strlen(prefix);
    if (strlen(url) >= sizeof out->url) {
        snprintf(err, errsz, "%s", _("the sandbox hub printed an unexpected address"));
        sandbox_child_stop(out);
        return -1;
    }
    memcpy(out->url, url, strlen(url) + 1);
    return 0;
}

void sandbox_child_stop(sandbox_child *c)
{
    if (c->out_fd > 0)
        close(c->out_fd);
    c->out_fd = -1;
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
            c->pid = 0;
            return;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    c->pid = 0;
}
