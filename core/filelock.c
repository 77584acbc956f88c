/* filelock.c: exclusive, polled, timed flock on a lock file beside the file it guards. */
#include "filelock.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int filelock_take(const char *lock_path, int timeout_ms)
{
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int waited = 0, step = 1;
    if (fd < 0 || sodium_init() < 0) {
        int e = fd < 0 ? errno : ENOMEM;
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if ((e != EWOULDBLOCK && e != EINTR) || waited >= timeout_ms) {
            close(fd);
            errno = e == EINTR ? EWOULDBLOCK : e;
            return -1;
        }
        /* Jitter so that two waiting processes do not poll in step. */
        int ms = step + (int)randombytes_uniform((uint32_t)step + 1);
        sleep_ms(ms);
        waited += ms;
        step = step < 16 ? step * 2 : step;
    }
    return fd;
}

void filelock_release(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the last descriptor releases the flock */
}
