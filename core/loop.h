/* loop.h: the one event loop: file descriptors, timers and signals, on poll(2). */
#ifndef HD_LOOP_H
#define HD_LOOP_H

#include <stdint.h>

typedef struct loop loop;

enum { LOOP_READ = 1, LOOP_WRITE = 2, LOOP_ERROR = 4 };

typedef void (*loop_fd_fn)(loop *l, int fd, int events, void *arg);
typedef void (*loop_timer_fn)(loop *l, void *arg);
typedef void (*loop_signal_fn)(loop *l, int signo, void *arg);
/* Called once per turn after events are handled: where the UI draws. */
typedef void (*loop_idle_fn)(loop *l, void *arg);

loop *loop_new(void);
/* Frees the loop; watched fds are not closed, pending timers are dropped. */
void loop_free(loop *l);

/* Watches fd for LOOP_READ and/or LOOP_WRITE. Re-adding an fd replaces its watch. */
int loop_fd_watch(loop *l, int fd, int events, loop_fd_fn fn, void *arg);
void loop_fd_unwatch(loop *l, int fd);

/* One-shot timer after `ms` milliseconds. Returns an id > 0, or 0 on OOM. */
uint64_t loop_timer_add(loop *l, uint64_t ms, loop_timer_fn fn, void *arg);
/* Cancels a pending timer; unknown or fired ids are ignored. Id 0 is a no-op. */
void loop_timer_cancel(loop *l, uint64_t id);

/*
 * Routes SIGWINCH and every signal that would end the process without a fault
 * (termguard_quit_signals: SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGALRM, ...) through a
 * self-pipe, so the handler runs in the loop rather than in signal context, and a program
 * quits cleanly whatever ends it. A second such signal before the loop read the first ends
 * the process at once by that signal, after termguard_restore. SIGPIPE is ignored. One
 * handler per loop.
 */
int loop_signals_watch(loop *l, loop_signal_fn fn, void *arg);

void loop_set_idle(loop *l, loop_idle_fn fn, void *arg);

/* Monotonic milliseconds. */
uint64_t loop_now_ms(void);

/* Runs one turn: waits at most max_wait_ms (-1 = until something happens). */
int loop_run_once(loop *l, int max_wait_ms);
/* Runs until loop_stop(). Returns the code given to loop_stop(). */
int loop_run(loop *l);
void loop_stop(loop *l, int code);
int loop_is_running(const loop *l);

#endif
