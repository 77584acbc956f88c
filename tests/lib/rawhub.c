/* rawhub.c: a scripted HTTP server on libmicrohttpd, in a thread of the test process. */
#include "rawhub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAWHUB_MAX_HEADERS 16
#define RAWHUB_MAX_BODY (1024 * 1024)

struct rawhub {
    struct MHD_Daemon *d;
    char url[64];
    pthread_mutex_t lock;
    unsigned status;
    char *headers[RAWHUB_MAX_HEADERS + 1];
    char *body;
    int count;
    rawhub_seen last;
};

/* One request on its way in: the body so far. */
typedef struct pending {
    char *body;
    size_t len;
    int too_big;
} pending;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int listen_loopback(int *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static void body_append(pending *p, const char *data, size_t n)
{
    if (p->too_big || p->len + n > RAWHUB_MAX_BODY) {
        p->too_big = 1;
        return;
    }
    char *nb = realloc(p->body, p->len + n + 1);
    if (!nb) {
        p->too_big = 1;
        return;
    }
    memcpy(nb + p->len, data, n);
    p->len += n;
    nb[p->len] = '\0';
    p->body = nb;
}

static void record(rawhub *h, struct MHD_Connection *c, const char *method, const char *url,
                   pending *p)
{
    rawhub_seen_clear(&h->last);
    h->last.method = dup_or_null(method);
    h->last.path = dup_or_null(url);
    h->last.authorization =
        dup_or_null(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
    h->last.x_api_key = dup_or_null(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Api-Key"));
    h->last.body = p->body ? p->body : strdup("");
    h->last.body_len = p->len;
    p->body = NULL;
    h->count++;
}

/* The configured answer, built under the lock (the test may change it at any time). */
static struct MHD_Response *answer(rawhub *h, unsigned *status)
{
    const char *body = h->body ? h->body : "";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    int typed = 0;
    for (size_t i = 0; r && h->headers[i]; i++) {
        char name[128];
        const char *colon = strchr(h->headers[i], ':');
        size_t nl = colon ? (size_t)(colon - h->headers[i]) : 0;
        if (!colon || nl >= sizeof name)
            continue;
        memcpy(name, h->headers[i], nl);
        name[nl] = '\0';
        typed |= strcasecmp(name, MHD_HTTP_HEADER_CONTENT_TYPE) == 0;
        MHD_add_response_header(r, name, colon + 1 + strspn(colon + 1, " "));
    }
    if (r && !typed)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    *status = h->status;
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    rawhub *h = cls;
    pending *p = *con_cls;
    if (!p) {
        *con_cls = p = calloc(1, sizeof *p);
        return p ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        body_append(p, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    unsigned status;
    pthread_mutex_lock(&h->lock);
    record(h, c, method, url, p);
    struct MHD_Response *r = answer(h, &status);
    pthread_mutex_unlock(&h->lock);
    if (!r)
        return MHD_NO;
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    pending *p = *con_cls;
    if (p) {
        free(p->body);
        free(p);
    }
    *con_cls = NULL;
}

/* MHD's notes about clients that hang up are routine here: kept quiet. */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
}

rawhub *rawhub_start(void)
{
    int port = 0;
    rawhub *h = calloc(1, sizeof *h);
    int fd = h ? listen_loopback(&port) : -1;
    if (fd < 0) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->status = 200;
    h->body = strdup("{}");
    snprintf(h->url, sizeof h->url, "http://127.0.0.1:%d", port);
    h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                                MHD_USE_ERROR_LOG,
                            0, NULL, NULL, on_request, h, MHD_OPTION_LISTEN_SOCKET, fd,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                            MHD_OPTION_EXTERNAL_LOGGER, quiet_log, h, MHD_OPTION_END);
    if (!h->d) {
        close(fd);
        rawhub_stop(h);
        return NULL;
    }
    return h;
}

static void free_reply(rawhub *h)
{
    for (size_t i = 0; h->headers[i]; i++) {
        free(h->headers[i]);
        h->headers[i] = NULL;
    }
    free(h->body);
    h->body = NULL;
}

void rawhub_stop(rawhub *h)
{
    if (!h)
        return;
    if (h->d)
        MHD_stop_daemon(h->d);
    free_reply(h);
    rawhub_seen_clear(&h->last);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

const char *rawhub_url(const rawhub *h)
{
    return h->url;
}

void rawhub_reply(rawhub *h, unsigned status, const char *const *headers, const char *body)
{
    pthread_mutex_lock(&h->lock);
    free_reply(h);
    h->status = status;
    for (size_t i = 0; headers && headers[i] && i < RAWHUB_MAX_HEADERS; i++)
        h->headers[i] = strdup(headers[i]);
    h->body = dup_or_null(body);
    pthread_mutex_unlock(&h->lock);
}

int rawhub_count(rawhub *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

int rawhub_last(rawhub *h, rawhub_seen *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&h->lock);
    int rc = h->count ? 0 : -1;
    if (h->count) {
        out->method = dup_or_null(h->last.method);
        out->path = dup_or_null(h->last.path);
        out->authorization = dup_or_null(h->last.authorization);
        out->x_api_key = dup_or_null(h->last.x_api_key);
        out->body = malloc(h->last.body_len + 1);
        if (out->body) {
            memcpy(out->body, h->last.body, h->last.body_len + 1);
            out->body_len = h->last.body_len;
        }
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

void rawhub_seen_clear(rawhub_seen *s)
{
    free(s->method);
    free(s->path);
    free(s->authorization);
    free(s->x_api_key);
    free(s->body);
    memset(s, 0, sizeof *s);
}

int rawhub_trap_open(int *port)
{
    int fd = listen_loopback(port);
    if (fd >= 0)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int rawhub_trap_hits(int fd)
{
    int hits = 0, c;
    /* A connection waits in the backlog until accepted, so none can be missed. */
    while ((c = accept(fd, NULL, NULL)) >= 0) {
        hits++;
        close(c);
    }
    return hits;
}

int rawhub_trap_take(int fd, char *buf, size_t n)
{
    int c = accept(fd, NULL, NULL);
    size_t got = 0;
    if (c < 0 || n == 0)
        return -1;
    struct pollfd p = {.fd = c, .events = POLLIN};
    while (got + 1 < n && poll(&p, 1, 2000) > 0) {
        ssize_t r = read(c, buf + got, n - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(c);
    return (int)got;
}
