/* termguard.c: restores the terminal from signal handlers, with async-signal-safe calls only. */
#include "termguard.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define RESET_MAX 256

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP};

/* Set before `armed`, read by handlers only while it is. */
static int guard_fd = -1;
static struct termios guard_mode;
static int guard_have_mode;
static char guard_reset[RESET_MAX];
static size_t guard_reset_len;
static volatile sig_atomic_t armed;
static struct sigaction old_action[NSIG];
static unsigned char installed[NSIG];
/* An alternate stack, so that a stack overflow can still put the terminal back. */
static char alt_stack[64 * 1024];

size_t termguard_quit_signals(int *out, size_t max)
{
    static const int named[] = {
        SIGINT,    SIGQUIT,   SIGTERM, SIGHUP,  SIGUSR1, SIGUSR2,
        SIGALRM,   SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO,
#ifdef SIGPWR
        SIGPWR,
#endif
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof named / sizeof *named && n < max; i++)
        out[n++] = named[i];
    for (int s = SIGRTMIN; s <= SIGRTMAX && n < max; s++)
        out[n++] = s;
    return n;
}

void termguard_restore(void)
{
    if (!armed)
        return;
    int saved = errno;
    for (size_t done = 0; done < guard_reset_len;) {
        ssize_t w = write(guard_fd, guard_reset + done, guard_reset_len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* the terminal is gone: nothing left to put back */
        done += (size_t)w;
    }
    /* TCSAFLUSH: keys typed ahead for this process (half a passphrase) never reach the shell. */
    if (guard_have_mode)
        tcsetattr(guard_fd, TCSAFLUSH, &guard_mode);
    errno = saved;
}

static int is_fatal(int signo)
{
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        if (fatal_signals[i] == signo)
            return 1;
    return 0;
}

static int is_handler(const struct sigaction *sa)
{
    return (sa->sa_flags & SA_SIGINFO) || (sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN);
}

/*
 * The terminal first, then the signal's own end. A fault caught by an earlier handler
 * (ASan's) goes back to it: reinstalled, it sees the fault again when the faulting
 * instruction runs again on return, or, for a signal sent with kill, when it is raised
 * again (delivered once this handler returns). Anything else ends by the default action.
 */
static void on_signal(int signo, siginfo_t *info, void *ctx)
{
    int saved = errno;
    termguard_restore();
    if (is_fatal(signo) && is_handler(&old_action[signo])) {
        sigaction(signo, &old_action[signo], NULL);
        if (!info || info->si_code <= 0)
            raise(signo);
    } else {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(signo, &dfl, NULL);
        raise(signo);
    }
    errno = saved;
}

/* Our own alternate stack unless one is set already (ASan sets one for its handlers). */
static void ensure_alt_stack(void)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
        return;
    stack_t st = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    sigaltstack(&st, NULL);
}

static void install(int signo)
{
    if (signo <= 0 || signo >= NSIG || installed[signo])
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask); /* nothing interrupts putting the terminal back */
    if (sigaction(signo, &sa, &old_action[signo]) == 0)
        installed[signo] = 1;
}

int termguard_arm(int fd, const struct termios *mode, const char *reset, size_t len, int which)
{
    if (armed || len > RESET_MAX)
        return -1;
    guard_fd = fd;
    guard_have_mode = mode ? 1 : tcgetattr(fd, &guard_mode) == 0;
    if (mode)
        guard_mode = *mode;
    if (len)
        memcpy(guard_reset, reset, len);
    guard_reset_len = len;
    armed = 1;
    if (which & TERMGUARD_FATAL) {
        ensure_alt_stack();
        for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
            install(fatal_signals[i]);
    }
    if (which & TERMGUARD_QUIT) {
        int sigs[TERMGUARD_QUIT_MAX];
        size_t n = termguard_quit_signals(sigs, TERMGUARD_QUIT_MAX);
        for (size_t i = 0; i < n; i++)
            install(sigs[i]);
    }
    return 0;
}

void termguard_disarm(void)
{
    armed = 0;
    for (int s = 1; s < NSIG; s++) {
        if (installed[s])
            sigaction(s, &old_action[s], NULL);
        installed[s] = 0;
    }
    guard_fd = -1;
    guard_reset_len = 0;
}
