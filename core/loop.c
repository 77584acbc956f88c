/* loop.c: poll(2)-based event loop with timers and a self-pipe for signals. */
#include "loop.h"
#include "termguard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fd_watch {
    int fd;
    int events;
    loop_fd_fn fn;
    void *arg;
};

struct timer {
    uint64_t id;
    uint64_t due;
    loop_timer_fn fn;
    void *arg;
};

struct loop {
    struct fd_watch *fds;
    size_t nfds, capfds;
    struct timer *timers; /* unsorted: a handful at a time, a scan is cheaper than a heap */
    size_t ntimers, captimers;
    uint64_t next_timer_id;
    loop_signal_fn sig_fn;
    void *sig_arg;
    loop_idle_fn idle_fn;
    void *idle_arg;
    int running;
    int stop_code;
};

/* One self-pipe per process: signal handlers cannot know which loop they belong to. */
static int sig_pipe[2] = {-1, -1};
/* A quitting signal is in the pipe and the loop has not read it yet. */
static volatile sig_atomic_t quit_pending;

uint64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

loop *loop_new(void)
{
    loop *l = calloc(1, sizeof *l);
    if (l)
        l->next_timer_id = 1;
    return l;
}

void loop_free(loop *l)
{
    if (!l)
        return;
    if (l->sig_fn && sig_pipe[0] >= 0) {
        int sigs[TERMGUARD_QUIT_MAX];
        size_t n = termguard_quit_signals(sigs, TERMGUARD_QUIT_MAX);
        for (size_t i = 0; i < n; i++)
            signal(sigs[i], SIG_DFL);
        signal(SIGWINCH, SIG_DFL);
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
    }
    free(l->fds);
    free(l->timers);
    free(l);
}

int loop_fd_watch(loop *l, int fd, int events, loop_fd_fn fn, void *arg)
{
    for (size_t i = 0; i < l->nfds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i] = (struct fd_watch){fd, events, fn, arg};
            return 0;
        }
    }
    if (l->nfds == l->capfds) {
        size_t cap = l->capfds ? l->capfds * 2 : 8;
        struct fd_watch *n = realloc(l->fds, cap * sizeof *n);
        if (!n)
            return -1;
        l->fds = n;
        l->capfds = cap;
    }
    l->fds[l->nfds++] = (struct fd_watch){fd, events, fn, arg};
    return 0;
}

void loop_fd_unwatch(loop *l, int fd)
{
    for (size_t i = 0; i < l->nfds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i] = l->fds[--l->nfds];
            return;
        }
    }
}

uint64_t loop_timer_add(loop *l, uint64_t ms, loop_timer_fn fn, void *arg)
{
    if (l->ntimers == l->captimers) {
        size_t cap = l->captimers ? l->captimers * 2 : 8;
        struct timer *n = realloc(l->timers, cap * sizeof *n);
        if (!n)
            return 0;
        l->timers = n;
        l->captimers = cap;
    }
    uint64_t id = l->next_timer_id++;
    l->timers[l->ntimers++] = (struct timer){id, loop_now_ms() + ms, fn, arg};
    return id;
}

void loop_timer_cancel(loop *l, uint64_t id)
{
    if (!id)
        return;
    for (size_t i = 0; i < l->ntimers; i++) {
        if (l->timers[i].id == id) {
            l->timers[i] = l->timers[--l->ntimers];
            return;
        }
    }
}

/*
 * A second quitting signal before the loop read the first: the loop is stuck or busy (a
 * blocking key derivation), and the user means it. The terminal is put back (termguard, when
 * armed) and the process ends by that signal.
 */
static void end_now(int signo)
{
    termguard_restore();
    signal(signo, SIG_DFL);
    raise(signo); /* delivered when the handler returns */
}

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (signo != SIGWINCH && quit_pending) {
        end_now(signo);
        errno = saved;
        return;
    }
    if (signo != SIGWINCH)
        quit_pending = 1;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
        /* pipe full: signals already pending will wake the loop anyway */
    }
    errno = saved;
}

static void on_sig_pipe(loop *l, int fd, int events, void *arg)
{
    unsigned char buf[64];
    ssize_t n;
    quit_pending = 0; /* read below: from now on a new signal is a first one again */
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (l->sig_fn)
                l->sig_fn(l, buf[i], l->sig_arg);
    }
}

int loop_signals_watch(loop *l, loop_signal_fn fn, void *arg)
{
    if (sig_pipe[0] < 0) {
        if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
            return -1;
    }
    l->sig_fn = fn;
    l->sig_arg = arg;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    int sigs[TERMGUARD_QUIT_MAX];
    size_t n = termguard_quit_signals(sigs, TERMGUARD_QUIT_MAX);
    for (size_t i = 0; i < n; i++)
        sigaction(sigs[i], &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return loop_fd_watch(l, sig_pipe[0], LOOP_READ, on_sig_pipe, NULL);
}

void loop_set_idle(loop *l, loop_idle_fn fn, void *arg)
{
    l->idle_fn = fn;
    l->idle_arg = arg;
}

static int timeout_until_next_timer(const loop *l, int max_wait_ms)
{
    if (l->ntimers == 0)
        return max_wait_ms;
    uint64_t now = loop_now_ms(), next = UINT64_MAX;
    for (size_t i = 0; i < l->ntimers; i++)
        if (l->timers[i].due < next)
            next = l->timers[i].due;
    uint64_t wait = next > now ? next - now : 0;
    if (max_wait_ms >= 0 && wait > (uint64_t)max_wait_ms)
        return max_wait_ms;
    return wait > 60000 ? 60000 : (int)wait;
}

/* Fires due timers one at a time: a callback may add or cancel timers. */
static void run_due_timers(loop *l)
{
    uint64_t now = loop_now_ms();
    for (;;) {
        size_t best = l->ntimers;
        for (size_t i = 0; i < l->ntimers; i++)
            if (l->timers[i].due <= now && (best == l->ntimers || l->timers[i].due < l->timers[best].due))
                best = i;
        if (best == l->ntimers)
            return;
        struct timer t = l->timers[best];
        l->timers[best] = l->timers[--l->ntimers];
        t.fn(l, t.arg);
    }
}

static void dispatch_fds(loop *l, struct pollfd *pfds, struct fd_watch *snap, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!pfds[i].revents)
            continue;
        /* The watch may have been removed or replaced by an earlier callback this turn. */
        struct fd_watch *cur = NULL;
        for (size_t j = 0; j < l->nfds; j++)
            if (l->fds[j].fd == snap[i].fd && l->fds[j].fn == snap[i].fn && l->fds[j].arg == snap[i].arg)
                cur = &l->fds[j];
        if (!cur)
            continue;
        int ev = 0;
        if (pfds[i].revents & POLLIN)
            ev |= LOOP_READ;
        if (pfds[i].revents & POLLOUT)
            ev |= LOOP_WRITE;
        if (pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
            ev |= LOOP_ERROR | (cur->events & LOOP_READ);
        cur->fn(l, cur->fd, ev, cur->arg);
    }
}

int loop_run_once(loop *l, int max_wait_ms)
{
    size_t n = l->nfds;
    struct pollfd *pfds = calloc(n ? n : 1, sizeof *pfds);
    struct fd_watch *snap = malloc((n ? n : 1) * sizeof *snap);
    if (!pfds || !snap) {
        free(pfds);
        free(snap);
        return -1;
    }
    if (n)
        memcpy(snap, l->fds, n * sizeof *snap);
    for (size_t i = 0; i < n; i++) {
        pfds[i].fd = snap[i].fd;
        pfds[i].events = (short)(((snap[i].events & LOOP_READ) ? POLLIN : 0) |
                                 ((snap[i].events & LOOP_WRITE) ? POLLOUT : 0));
    }
    int rc = poll(pfds, n, timeout_until_next_timer(l, max_wait_ms));
    if (rc > 0)
        dispatch_fds(l, pfds, snap, n);
    free(pfds);
    free(snap);
    run_due_timers(l);
    if (l->idle_fn)
        l->idle_fn(l, l->idle_arg);
    return rc < 0 && errno != EINTR ? -1 : 0;
}

int loop_run(loop *l)
{
    l->running = 1;
    while (l->running)
        if (loop_run_once(l, -1) < 0)
            break;
    return l->stop_code;
}

void loop_stop(loop *l, int code)
{
    l->running = 0;
    l->stop_code = code;
}

int loop_is_running(const loop *l)
{
    return l->running;
}
