/* util.c: small helpers for the sandbox: clocks, stoppable waits, parsing, addresses. */
#include "sb.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t sb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits on srv->cond (lock held) until deadline_ms, a broadcast, or shutdown. Returns false
 * once the server is stopping, so every wait in the sandbox ends promptly on SIGTERM.
 * Callers loop and re-check their own condition: a broadcast is only a hint.
 */
bool sb_wait_until(sb_server *srv, int64_t deadline_ms)
{
    if (srv->stopping)
        return false;
    if (deadline_ms == INT64_MAX) {
        pthread_cond_wait(&srv->cond, &srv->lock);
    } else {
        struct timespec ts = {.tv_sec = deadline_ms / 1000,
                              .tv_nsec = (long)(deadline_ms % 1000) * 1000000};
        pthread_cond_timedwait(&srv->cond, &srv->lock, &ts);
    }
    return !srv->stopping;
}

/* Sleeps ms milliseconds unless the server stops first (then returns false). */
bool sb_sleep_ms(sb_server *srv, long ms)
{
    int64_t deadline = sb_now_ms() + ms;
    bool ok = true;
    pthread_mutex_lock(&srv->lock);
    while (ok && sb_now_ms() < deadline)
        ok = sb_wait_until(srv, deadline);
    pthread_mutex_unlock(&srv->lock);
    return ok;
}

/* Strict decimal parse: the whole string, within [min, max]. */
bool sb_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A JSON string from arbitrary bytes: invalid UTF-8 becomes '?', so echo never fails. */
json_t *sb_json_lossy(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j)
        return j;
    char *copy = malloc(n + 1);
    if (!copy)
        return json_null();
    for (size_t i = 0; i < n; i++)
        copy[i] = (s[i] == 0 || (unsigned char)s[i] >= 0x80) ? '?' : s[i];
    j = json_stringn(copy, n);
    free(copy);
    return j ? j : json_null();
}

bool sb_is_loopback(const struct sockaddr *sa)
{
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

/*
 * Splits "/a/b/c" into segments. Returns how many, or max + 1 when there are more than
 * max or one is too long: callers treat that as an unknown route.
 */
size_t sb_split_path(const char *path, char segs[][128], size_t max)
{
    size_t n = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, "/");
        if (n == max || len >= 128)
            return max + 1;
        memcpy(segs[n], p, len);
        segs[n][len] = '\0';
        n++;
        p += len;
    }
    return n;
}
