/* test_termguard.c: the terminal put back from signal handlers (termguard, and the loop's
 * second quitting signal), on a pseudo-terminal, in child processes that die of the signal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "loop.h"
#include "termguard.h"

#define RESET "\033[?1049l\033[?25h"

typedef struct pty {
    int master, slave;
} pty;

static pty pty_open(void)
{
    pty p;
    p.master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(p.master >= 0);
    assert_int_equal(grantpt(p.master), 0);
    assert_int_equal(unlockpt(p.master), 0);
    p.slave = open(ptsname(p.master), O_RDWR | O_NOCTTY);
    assert_true(p.slave >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(p.slave, &t), 0);
    t.c_lflag |= ECHO | ICANON;
    t.c_oflag &= ~(tcflag_t)OPOST; /* bytes as written */
    assert_int_equal(tcsetattr(p.slave, TCSANOW, &t), 0);
    return p;
}

/* Everything written to the slave so far. */
static char *pty_output(const pty *p, char *out, size_t n)
{
    size_t len = 0;
    struct pollfd pfd = {.fd = p->master, .events = POLLIN};
    while (len + 1 < n && poll(&pfd, 1, 200) > 0) {
        ssize_t r = read(p->master, out + len, n - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    out[len] = '\0';
    return out;
}

static int echo_on(const pty *p)
{
    struct termios t;
    assert_int_equal(tcgetattr(p->slave, &t), 0);
    return (t.c_lflag & ECHO) && (t.c_lflag & ICANON);
}

/* What the child's programs do before dying: the terminal in a mode a shell cannot use. */
static void echo_off(int fd)
{
    struct termios t;
    tcgetattr(fd, &t);
    t.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
    tcsetattr(fd, TCSANOW, &t);
}

/* A child that dies of a fault leaves no core file behind. */
static pid_t fork_child(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
    }
    return pid;
}

static int wait_child(pid_t pid)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void close_pty(pty *p)
{
    close(p->master);
    close(p->slave);
}

/* ---- faults ------------------------------------------------------------------------------ */

static volatile uintptr_t bad_address = 16; /* not NULL: no sanitizer check before the fault */
static int prev_fd = -1;
static void prev_handler(int signo)
{
    if (write(prev_fd, "PREV", 4) < 0)
        _exit(3);
    _exit(42);
}

/* Arms FATAL on the pty, breaks the mode, then `how`: 0 raise, 1 a real fault. */
static void child_fault(pty *p, int signo, int how, int with_prev)
{
    if (with_prev) {
        prev_fd = p->slave;
        signal(signo, prev_handler);
    } else {
        signal(signo, SIG_DFL); /* a sanitizer's own handler out of the way */
    }
    if (termguard_arm(p->slave, NULL, RESET, strlen(RESET), TERMGUARD_FATAL) < 0)
        _exit(2);
    echo_off(p->slave);
    if (how)
        *(volatile int *)bad_address = 1;
    else
        raise(signo);
    _exit(1);
}

static void test_fault_restores_then_dies_by_it(void **state)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        pty p = pty_open();
        char out[256];
        pid_t pid = fork_child();
        if (pid == 0)
            child_fault(&p, sigs[i], 0, 0);
        int st = wait_child(pid);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), sigs[i]);
        assert_string_equal(pty_output(&p, out, sizeof out), RESET);
        assert_true(echo_on(&p));
        close_pty(&p);
    }
}

/* ASan's handler (here a stand-in) still gets the fault, after the terminal is back: for a
 * real fault (the instruction runs again) and for one sent with kill. */
static void test_fault_reaches_previous_handler(void **state)
{
    for (int how = 0; how < 2; how++) {
        pty p = pty_open();
        char out[256];
        pid_t pid = fork_child();
        if (pid == 0)
            child_fault(&p, SIGSEGV, how, 1);
        int st = wait_child(pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 42);
        assert_string_equal(pty_output(&p, out, sizeof out), RESET "PREV");
        assert_true(echo_on(&p));
        close_pty(&p);
    }
}

/* ---- quitting signals -------------------------------------------------------------------- */

static void test_quit_signals_with_quit_flag(void **state)
{
    int sigs[TERMGUARD_QUIT_MAX];
    size_t n = termguard_quit_signals(sigs, TERMGUARD_QUIT_MAX);
    assert_true(n > 14);
    static const int must[] = {SIGINT,  SIGQUIT,   SIGTERM, SIGHUP,  SIGUSR1, SIGUSR2,
                               SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++) {
        size_t j = 0;
        while (j < n && sigs[j] != must[i])
            j++;
        assert_true(j < n);
    }
    const int tried[] = {SIGINT, SIGQUIT, SIGUSR1, SIGALRM, SIGXFSZ, SIGRTMIN};
    for (size_t i = 0; i < sizeof tried / sizeof *tried; i++) {
        pty p = pty_open();
        char out[256];
        pid_t pid = fork_child();
        if (pid == 0) {
            if (termguard_arm(p.slave, NULL, RESET, strlen(RESET),
                              TERMGUARD_FATAL | TERMGUARD_QUIT) < 0)
                _exit(2);
            echo_off(p.slave);
            raise(tried[i]);
            _exit(1);
        }
        int st = wait_child(pid);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), tried[i]);
        assert_string_equal(pty_output(&p, out, sizeof out), RESET);
        assert_true(echo_on(&p));
        close_pty(&p);
    }
}

/* FATAL alone leaves quitting signals to the loop; disarm puts every handler back. */
static void test_arm_and_disarm(void **state)
{
    pty p = pty_open();
    struct sigaction sa, now;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = prev_handler;
    sigemptyset(&sa.sa_mask);
    struct sigaction before_segv, before_usr1;
    sigaction(SIGSEGV, &sa, &before_segv);
    sigaction(SIGUSR1, NULL, &before_usr1);
    assert_int_equal(termguard_arm(p.slave, NULL, RESET, strlen(RESET), TERMGUARD_FATAL), 0);
    assert_int_equal(termguard_arm(p.slave, NULL, NULL, 0, TERMGUARD_FATAL), -1); /* one guard */
    sigaction(SIGUSR1, NULL, &now);
    assert_ptr_equal(now.sa_handler, before_usr1.sa_handler);
    sigaction(SIGSEGV, NULL, &now);
    assert_ptr_not_equal(now.sa_handler, prev_handler);
    termguard_disarm();
    sigaction(SIGSEGV, NULL, &now);
    assert_ptr_equal(now.sa_handler, prev_handler);
    sigaction(SIGSEGV, &before_segv, NULL);
    char big[300];
    memset(big, 'x', sizeof big);
    assert_int_equal(termguard_arm(p.slave, NULL, big, sizeof big, TERMGUARD_FATAL), -1);
    termguard_restore(); /* not armed: nothing written */
    char out[64];
    assert_string_equal(pty_output(&p, out, sizeof out), "");
    close_pty(&p);
}

/* ---- the loop: a second quitting signal before the loop read the first -------------------- */

static int seen;
static void on_loop_signal(loop *l, int signo, void *arg)
{
    seen++;
}

static void test_loop_second_signal_ends_the_process(void **state)
{
    pty p = pty_open();
    char out[256];
    pid_t pid = fork_child();
    if (pid == 0) {
        loop *l = loop_new();
        loop_signals_watch(l, on_loop_signal, NULL);
        termguard_arm(p.slave, NULL, RESET, strlen(RESET), TERMGUARD_FATAL);
        echo_off(p.slave);
        raise(SIGTERM); /* into the pipe: the loop will quit cleanly */
        loop_run_once(l, 0);
        raise(SIGTERM); /* read: a first one again */
        loop_run_once(l, 0);
        if (seen != 2)
            _exit(3);
        raise(SIGQUIT);
        raise(SIGQUIT); /* the loop is busy: this one ends it */
        _exit(1);
    }
    int st = wait_child(pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGQUIT);
    assert_string_equal(pty_output(&p, out, sizeof out), RESET);
    assert_true(echo_on(&p));
    close_pty(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_restores_then_dies_by_it),
        cmocka_unit_test(test_fault_reaches_previous_handler),
        cmocka_unit_test(test_quit_signals_with_quit_flag),
        cmocka_unit_test(test_arm_and_disarm),
        cmocka_unit_test(test_loop_second_signal_ends_the_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
