/* cli_output.c: checks that line mode's output reached stdout (`> /dev/full` is a failure). */
#include "cli_output.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int out_errno;  /* the first write error on stdout; 0 while none */
static int out_told;   /* its line is on stderr */

/* stdio drops a buffer whose write failed and keeps only a flag: the reason is kept here. */
static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(STDOUT_FILENO, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (!out_errno)
                out_errno = w < 0 ? errno : EIO;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int out_close(void *cookie)
{
    if (close(STDOUT_FILENO) == 0 || errno == EINTR)
        return 0;
    if (!out_errno)
        out_errno = errno;
    return -1;
}

void cli_output_watch(void)
{
    cookie_io_functions_t io = {.write = out_write, .close = out_close};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f)
        return; /* stdout as it is: failures still count, their reason may be vaguer */
    fflush(stdout);
    setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
    stdout = f; /* glibc's stdout is a variable meant to be set */
}

int cli_output_ok(void)
{
    if ((fflush(stdout) == EOF || ferror(stdout)) && !out_errno)
        out_errno = EIO;
    return out_errno ? -1 : 0;
}

int cli_output_fail(void)
{
    if (!out_told) {
        out_told = 1;
        fprintf(stderr, "hubdesk: ");
        fprintf(stderr, _("could not write the output: %s"), strerror(out_errno ? out_errno : EIO));
        fputc('\n', stderr);
    }
    return CLI_OUTPUT_EXIT_CODE;
}

int cli_output_finish(int rc)
{
    int ok = cli_output_ok() == 0;
    if (fclose(stdout) == EOF && ok) { /* the last bytes may fail only on close (NFS) */
        out_errno = out_errno ? out_errno : EIO;
        ok = 0;
    }
    if (ok)
        return rc;
    cli_output_fail();
    return rc ? rc : CLI_OUTPUT_EXIT_CODE;
}
