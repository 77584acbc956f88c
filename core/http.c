/* http.c: curl multi inside the event loop, with retries, redirects and token scoping. */
#include "http.h"
#include "duration.h"
#include "i18n.h"
#include "secret.h"
#include "text.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HTTP_MAX_REDIRECTS 5
#define HTTP_BACKOFF_CAP_MS 8000

struct http_client {
    loop *l;
    CURLM *multi;
    uint64_t curl_timer;
    int callback_depth;        /* > 0 while inside a libcurl callback */
    http_request *requests;    /* every live request, for http_client_free */
};

struct http_request {
    http_client *c;
    http_request *next;
    CURL *easy;
    struct curl_slist *headers;
    char *method, *url, *body, *token, *token_header, *origin, *last_event_id;
    char *api_key, *api_key_header;
    long timeout_ms, backoff_base_ms, max_wait_ms;
    int max_retries, stream, attempts, redirects;
    size_t max_body;
    http_done_fn on_done;
    http_data_fn on_data;
    http_retry_fn on_retry;
    void *arg;
    uint64_t retry_timer, reap_timer;
    char *resp;                /* error bodies, or whole bodies when not streaming */
    size_t resp_len, resp_cap;
    long retry_after_s;
    int too_large, stopped_by_reader, cancelled;
    char errbuf[CURL_ERROR_SIZE];
};

static void request_free(http_request *r);
static int request_launch(http_request *r);

/* ---- URL policy ---------------------------------------------------------------------- */

static int url_parts(const char *url, char **scheme, char **host, char **port)
{
    CURLU *u = curl_url();
    int ok = u && url && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK;
    curl_url_cleanup(u);
    return ok ? 0 : -1;
}

/* Loopback by literal address or the name localhost; never by a prefix of a name. */
static int host_is_loopback(const char *host)
{
    struct in_addr a4;
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
        strcmp(host, "::1") == 0)
        return 1;
    return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* 1 if the URL's host is this machine (see host_is_loopback). */
static int url_is_loopback(const char *url)
{
    char *scheme = NULL, *host = NULL, *port = NULL;
    int yes = url_parts(url, &scheme, &host, &port) == 0 && host_is_loopback(host);
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return yes;
}

hd_status http_url_check(const char *url)
{
    char *scheme = NULL, *host = NULL, *port = NULL;
    hd_status st = HD_OK;
    if (url_parts(url, &scheme, &host, &port) < 0)
        st = HD_ERR_BAD_URL;
    else if (strcasecmp(scheme, "https") == 0)
        st = HD_OK;
    else if (strcasecmp(scheme, "http") == 0)
        st = host_is_loopback(host) ? HD_OK : HD_ERR_INSECURE_URL;
    else
        st = HD_ERR_BAD_URL;
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return st;
}

int http_url_origin(const char *url, char *out, size_t outsz)
{
    char *scheme = NULL, *host = NULL, *port = NULL;
    int rc = -1;
    if (url_parts(url, &scheme, &host, &port) == 0) {
        for (char *p = scheme; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        for (char *p = host; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        rc = snprintf(out, outsz, "%s://%s:%s", scheme, host, port) < (int)outsz ? 0 : -1;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return rc;
}

int http_same_origin(const char *a, const char *b)
{
    char oa[512], ob[512];
    return http_url_origin(a, oa, sizeof oa) == 0 && http_url_origin(b, ob, sizeof ob) == 0 &&
           strcmp(oa, ob) == 0;
}

/* The origin's scheme is https; "scheme://host:port" is lower case (http_url_origin). */
static int origin_is_https(const char *origin)
{
    return strncmp(origin, "https://", 8) == 0;
}

hd_status http_redirect_check(const char *from, const char *to)
{
    char of[512], ot[512];
    hd_status st = http_url_check(to);
    if (st != HD_OK)
        return st;
    if (http_url_origin(from, of, sizeof of) < 0 || http_url_origin(to, ot, sizeof ot) < 0)
        return HD_ERR_BAD_URL;
    if (origin_is_https(of) && !origin_is_https(ot))
        return HD_ERR_INSECURE_URL;
    return strcmp(of, ot) == 0 ? HD_OK : HD_ERR_PROTOCOL;
}

/* ---- curl <-> loop glue --------------------------------------------------------------- */

static void check_completed(http_client *c);

static void on_curl_fd(loop *l, int fd, int events, void *arg)
{
    http_client *c = arg;
    int flags = 0, running = 0;
    if (events & LOOP_READ)
        flags |= CURL_CSELECT_IN;
    if (events & LOOP_WRITE)
        flags |= CURL_CSELECT_OUT;
    if (events & LOOP_ERROR)
        flags |= CURL_CSELECT_ERR;
    c->callback_depth++;
    curl_multi_socket_action(c->multi, fd, flags, &running);
    c->callback_depth--;
    check_completed(c);
}

static int curl_socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    http_client *c = userp;
    if (what == CURL_POLL_REMOVE) {
        loop_fd_unwatch(c->l, s);
        return 0;
    }
    int ev = (what & CURL_POLL_IN ? LOOP_READ : 0) | (what & CURL_POLL_OUT ? LOOP_WRITE : 0);
    return loop_fd_watch(c->l, s, ev, on_curl_fd, c);
}

static void on_curl_timer(loop *l, void *arg)
{
    http_client *c = arg;
    int running = 0;
    c->curl_timer = 0;
    c->callback_depth++;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    c->callback_depth--;
    check_completed(c);
}

static int curl_timer_cb(CURLM *m, long timeout_ms, void *userp)
{
    http_client *c = userp;
    loop_timer_cancel(c->l, c->curl_timer);
    c->curl_timer = 0;
    if (timeout_ms >= 0) {
        c->curl_timer = loop_timer_add(c->l, (uint64_t)timeout_ms, on_curl_timer, c);
        if (!c->curl_timer)
            return -1;
    }
    return 0;
}

/*
 * libcurl's memory, wiped when it is freed (as secret_harden_json does for jansson): curl
 * copies every header and body it sends into buffers of its own (the request it builds, the
 * send buffer), and would leave the token and a body's secrets in freed memory. realloc
 * moves by hand, so that the old block is wiped too. Plain malloc underneath: blocks made
 * before this was installed (curl_url before the first client) free the same way.
 */
static void curl_mem_free(void *p)
{
    if (p)
        secret_wipe(p, malloc_usable_size(p));
    free(p);
}

static void *curl_mem_malloc(size_t n)
{
    return malloc(n);
}

static void *curl_mem_realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    size_t old = malloc_usable_size(p);
    void *q = malloc(n ? n : 1);
    if (!q)
        return NULL; /* p stays as it was, as realloc leaves it */
    memcpy(q, p, old < n ? old : n);
    curl_mem_free(p);
    return q;
}

static char *curl_mem_strdup(const char *s)
{
    return strdup(s);
}

static void *curl_mem_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

http_client *http_client_new(loop *l)
{
    static int global_done;
    if (!global_done) {
        if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_mem_malloc, curl_mem_free,
                                 curl_mem_realloc, curl_mem_strdup, curl_mem_calloc) != 0 ||
            sodium_init() < 0)
            return NULL;
        global_done = 1;
    }
    http_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->l = l;
    c->multi = curl_multi_init();
    if (!c->multi) {
        free(c);
        return NULL;
    }
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    return c;
}

void http_client_free(http_client *c)
{
    if (!c)
        return;
    while (c->requests)
        request_free(c->requests);
    loop_timer_cancel(c->l, c->curl_timer);
    curl_multi_cleanup(c->multi);
    free(c);
}

/* ---- one request ---------------------------------------------------------------------- */

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    http_request *r = arg;
    size_t len = size * n;
    if (len > 12 && strncasecmp(buf, "Retry-After:", 12) == 0) {
        char val[64];
        size_t vl = len - 12 < sizeof val - 1 ? len - 12 : sizeof val - 1;
        memcpy(val, buf + 12, vl);
        val[vl] = '\0';
        val[strcspn(val, "\r\n")] = '\0';
        /* Clamped to a day whatever the hub says: every later use is in range. */
        long s = duration_retry_after_s(val, time(NULL), DURATION_MAX_S);
        if (s >= 0)
            r->retry_after_s = s;
    }
    return len;
}

static int buffer_append(http_request *r, const char *buf, size_t len)
{
    if (r->resp_len + len > r->max_body) {
        r->too_large = 1;
        return -1;
    }
    if (r->resp_len + len + 1 > r->resp_cap) {
        size_t cap = r->resp_cap ? r->resp_cap : 4096;
        while (cap < r->resp_len + len + 1)
            cap *= 2;
        /* Not realloc: answers may hold secrets (a channel token, a signing secret), and
           realloc would leave the old copy in freed memory. */
        char *n = malloc(cap);
        if (!n)
            return -1;
        if (r->resp) {
            memcpy(n, r->resp, r->resp_len + 1);
            sodium_memzero(r->resp, r->resp_cap);
            free(r->resp);
        }
        r->resp = n;
        r->resp_cap = cap;
    }
    memcpy(r->resp + r->resp_len, buf, len);
    r->resp_len += len;
    r->resp[r->resp_len] = '\0';
    return 0;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
    http_request *r = arg;
    size_t len = size * n;
    long code = 0;
    if (r->cancelled)
        return 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    if (r->stream && r->on_data && code >= 200 && code < 300) {
        if (r->on_data(buf, len, r->arg) != 0 || r->cancelled) {
            r->stopped_by_reader = 1;
            return 0;
        }
        return len;
    }
    return buffer_append(r, buf, len) == 0 ? len : 0;
}

static void wipe_headers(struct curl_slist *h)
{
    for (struct curl_slist *p = h; p; p = p->next)
        sodium_memzero(p->data, strlen(p->data));
    curl_slist_free_all(h);
}

/*
 * Appends "name: prefix value" to *h, built to its full length (a 4096-byte token must not be
 * cut) in guarded memory that is wiped at once: the value may be a secret. curl keeps its own
 * copy in the list, which wipe_headers clears. Returns 0, or -1 on OOM (*h is unchanged).
 */
static int add_header(struct curl_slist **h, const char *name, const char *prefix,
                      const char *value)
{
    size_t n = strlen(name) + 2 + strlen(prefix) + strlen(value) + 1;
    char *line = secret_alloc(n);
    if (!line)
        return -1;
    snprintf(line, n, "%s: %s%s", name, prefix, value);
    struct curl_slist *next = curl_slist_append(*h, line);
    secret_free(line);
    if (!next)
        return -1;
    *h = next;
    return 0;
}

/* The request's headers; NULL on OOM (never a list without the secrets it should carry). */
static struct curl_slist *build_headers(http_request *r)
{
    struct curl_slist *h = NULL;
    int rc = add_header(&h, "Accept", "", r->stream ? "text/event-stream" : "application/json");
    if (rc == 0 && r->body)
        rc = add_header(&h, "Content-Type", "", "application/json");
    if (rc == 0 && r->last_event_id && *r->last_event_id && text_is_clean(r->last_event_id))
        rc = add_header(&h, "Last-Event-ID", "", r->last_event_id);
    /* The secrets go only to the origin they belong to (a stream URL may be elsewhere). */
    int own = http_same_origin(r->url, r->origin);
    if (rc == 0 && r->token && own)
        rc = r->token_header ? add_header(&h, r->token_header, "", r->token)
                             : add_header(&h, "Authorization", "Bearer ", r->token);
    if (rc == 0 && r->api_key && r->api_key_header && own)
        rc = add_header(&h, r->api_key_header, "", r->api_key);
    if (rc != 0) {
        wipe_headers(h);
        return NULL;
    }
    return h;
}

static void configure_method(http_request *r)
{
    CURL *e = r->easy;
    if (strcmp(r->method, "GET") == 0 && !r->body) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(r->method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
    if (r->body || strcmp(r->method, "POST") == 0) {
        const char *b = r->body ? r->body : "";
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(b));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, b);
    }
}

/*
 * No proxy for this machine: plain http is only allowed to loopback, and an http_proxy or
 * ALL_PROXY from the environment would get the token in clear. Elsewhere the URL is https,
 * and a proxy only ever gets a CONNECT tunnel (TLS runs through it, end to end).
 */
static void configure_proxy(http_request *r)
{
    if (url_is_loopback(r->url))
        curl_easy_setopt(r->easy, CURLOPT_PROXY, ""); /* "" overrides the environment */
    else
        curl_easy_setopt(r->easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
}

static int request_launch(http_request *r)
{
    http_client *c = r->c;
    r->retry_timer = 0;
    if (r->resp)
        sodium_memzero(r->resp, r->resp_cap);
    r->resp_len = 0;
    r->retry_after_s = -1;
    r->too_large = r->stopped_by_reader = 0;
    r->errbuf[0] = '\0';
    r->attempts++;
    CURL *e = r->easy = curl_easy_init();
    if (!e)
        return -1;
    wipe_headers(r->headers);
    r->headers = build_headers(r);
    if (!r->headers) {
        curl_easy_cleanup(e);
        r->easy = NULL;
        return -1;
    }
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms < 10000 ? r->timeout_ms : 10000L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "hubdesk/" HD_VERSION);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_body);
    if (r->stream)
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    else
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    configure_method(r);
    configure_proxy(r);
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        r->easy = NULL;
        return -1;
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Both secret headers carry only visible ASCII: a CR or LF in one would let it write headers
 * of its own into the request. Refused with a status only, so the secret is never quoted. */
static int secrets_fit_headers(const http_opts *o)
{
    return (!o->token || secret_is_token_safe(o->token)) &&
           (!o->api_key || secret_is_token_safe(o->api_key));
}

http_request *http_start(http_client *c, const http_opts *o, http_done_fn on_done,
                         http_data_fn on_data, void *arg, hd_status *why)
{
    hd_status st = http_url_check(o->url);
    if (st == HD_OK && !secrets_fit_headers(o))
        st = HD_ERR_USAGE;
    if (st != HD_OK) {
        if (why)
            *why = st;
        return NULL;
    }
    http_request *r = calloc(1, sizeof *r);
    char origin[512];
    if (r)
        r->c = c;
    if (!r || http_url_origin(o->origin ? o->origin : o->url, origin, sizeof origin) < 0)
        goto fail;
    r->c = c;
    r->method = strdup(o->method ? o->method : "GET");
    r->url = strdup(o->url);
    r->origin = strdup(origin);
    r->body = dup_or_null(o->json_body);
    r->token = secret_dup(o->token);
    r->token_header = dup_or_null(o->token_header);
    r->api_key = o->api_key ? secret_dup(o->api_key) : NULL;
    r->api_key_header = dup_or_null(o->api_key_header);
    r->last_event_id = dup_or_null(o->last_event_id);
    if (!r->method || !r->url || !r->origin || (o->json_body && !r->body) ||
        (o->token && !r->token) || (o->api_key && !r->api_key))
        goto fail;
    r->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    r->max_retries = o->max_retries > 0 ? o->max_retries : o->max_retries < 0 ? 0 : 3;
    r->max_body = o->max_body ? o->max_body : 1024 * 1024;
    r->backoff_base_ms = o->backoff_base_ms > 0 ? o->backoff_base_ms : 500;
    r->max_wait_ms = o->max_wait_ms > 0 ? o->max_wait_ms : 120000;
    r->stream = o->stream;
    r->on_done = on_done;
    r->on_data = on_data;
    r->on_retry = o->on_retry;
    r->arg = arg;
    r->next = c->requests;
    c->requests = r;
    if (request_launch(r) < 0) {
        request_free(r);
        r = NULL;
        goto fail_status;
    }
    return r;
fail:
    if (r)
        request_free(r); /* not linked yet: unlinking finds nothing, the rest is freed */
fail_status:
    if (why)
        *why = HD_ERR_INTERNAL;
    return NULL;
}

static void request_unlink(http_request *r)
{
    for (http_request **pp = &r->c->requests; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            return;
        }
    }
}

static void request_free(http_request *r)
{
    request_unlink(r);
    loop_timer_cancel(r->c->l, r->retry_timer);
    loop_timer_cancel(r->c->l, r->reap_timer);
    if (r->easy) {
        curl_multi_remove_handle(r->c->multi, r->easy);
        curl_easy_cleanup(r->easy);
    }
    wipe_headers(r->headers);
    free(r->method);
    free(r->url);
    free(r->origin);
    if (r->body)
        sodium_memzero(r->body, strlen(r->body)); /* request bodies may carry secrets too */
    free(r->body);
    secret_free(r->token);
    free(r->token_header);
    secret_free(r->api_key);
    free(r->api_key_header);
    free(r->last_event_id);
    if (r->resp)
        sodium_memzero(r->resp, r->resp_cap);
    free(r->resp);
    free(r);
}

static void on_reap_timer(loop *l, void *arg)
{
    http_request *r = arg;
    r->reap_timer = 0;
    request_free(r);
}

void http_cancel(http_request *r)
{
    if (!r || r->cancelled)
        return;
    r->cancelled = 1;
    loop_timer_cancel(r->c->l, r->retry_timer);
    r->retry_timer = 0;
    /* Inside a callback the handle must stay until curl lets go of it: free it next turn. */
    if (r->c->callback_depth == 0)
        request_free(r);
    else
        r->reap_timer = loop_timer_add(r->c->l, 0, on_reap_timer, r);
}

static long backoff_ms(const http_request *r)
{
    long base = r->backoff_base_ms;
    for (int i = 1; i < r->attempts && base < HTTP_BACKOFF_CAP_MS; i++)
        base *= 2;
    if (base > HTTP_BACKOFF_CAP_MS)
        base = HTTP_BACKOFF_CAP_MS;
    /* Jitter in [base/2, base] so that many clients do not retry in step. */
    return base / 2 + (long)randombytes_uniform((uint32_t)(base / 2 + 1));
}

static void on_retry_timer(loop *l, void *arg)
{
    http_request *r = arg;
    r->retry_timer = 0;
    if (request_launch(r) < 0) {
        http_response resp = {.status = HD_ERR_INTERNAL, .body = "", .retry_after_s = -1};
        snprintf(resp.error, sizeof resp.error, "%s", _("could not start the request"));
        http_done_fn done = r->on_done;
        void *a = r->arg;
        request_free(r);
        if (done)
            done(&resp, a);
    }
}

static void fill_transport_error(http_response *resp, const http_request *r, CURLcode rc)
{
    char clean[CURL_ERROR_SIZE];
    text_sanitize(r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc), clean, sizeof clean);
    if (r->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        resp->status = HD_ERR_TOO_LARGE;
        snprintf(resp->error, sizeof resp->error, _("the answer is larger than %zu bytes"),
                 r->max_body);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        resp->status = HD_ERR_TIMEOUT;
        snprintf(resp->error, sizeof resp->error, _("no answer in time: %s"), clean);
    } else {
        resp->status = HD_ERR_NETWORK;
        snprintf(resp->error, sizeof resp->error, _("network error: %s"), clean);
    }
}

static int is_retryable(const http_response *resp)
{
    if (resp->status == HD_ERR_NETWORK || resp->status == HD_ERR_TIMEOUT)
        return 1;
    return resp->status == HD_OK && (resp->code >= 500 || resp->code == 429);
}

/* Only these are redirects; any other 3xx (300, 304, 305...) is an answer like a 4xx. */
static int is_followed_redirect(long code)
{
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

/* Says which origin the hub pointed to (sanitized: it is the hub's text), and that it is not
 * followed; `why` is http_redirect_check's verdict. The status is HD_ERR_PROTOCOL whatever
 * the reason: the request did reach the hub (not a usage error), and its answer is unusable. */
static void refuse_redirect(http_response *resp, hd_status why, const char *to)
{
    char origin[512], shown[160];
    if (http_url_origin(to, origin, sizeof origin) < 0)
        snprintf(origin, sizeof origin, "%s", to);
    text_sanitize(origin, shown, sizeof shown);
    resp->status = HD_ERR_PROTOCOL;
    if (why == HD_ERR_PROTOCOL)
        snprintf(resp->error, sizeof resp->error,
                 _("the hub redirected to another site (%s); hubdesk does not follow it"), shown);
    else
        snprintf(resp->error, sizeof resp->error,
                 _("the hub redirected to an insecure URL (%s); hubdesk does not follow it"),
                 shown);
}

/* 303, and 301/302 after a POST, go on as a GET without the body (as browsers do); 307 and
 * 308 keep both. Returns -1 on OOM. */
static int redirect_method(http_request *r, long code)
{
    int to_get = code == 303 ? strcmp(r->method, "HEAD") != 0
                             : (code == 301 || code == 302) && strcmp(r->method, "POST") == 0;
    if (!to_get)
        return 0;
    free(r->method);
    r->method = strdup("GET");
    if (r->body) /* request bodies may carry secrets */
        sodium_memzero(r->body, strlen(r->body));
    free(r->body);
    r->body = NULL;
    return r->method ? 0 : -1;
}

/*
 * Follows a redirect ourselves, and only on the same origin: a hub's body and secrets never
 * reach another site, and the answer always comes from the hub's origin. Returns 1 to go on
 * (r->url and the method updated), 0 when the 3xx is the answer, -1 when refused (resp says
 * why).
 */
static int follow_redirect(http_request *r, long code, http_response *resp)
{
    char *loc = NULL;
    if (!is_followed_redirect(code))
        return 0;
    if (r->easy)
        curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &loc);
    if (!loc)
        return 0;
    if (++r->redirects > HTTP_MAX_REDIRECTS) {
        resp->status = HD_ERR_PROTOCOL;
        snprintf(resp->error, sizeof resp->error, "%s", _("too many redirects"));
        return -1;
    }
    hd_status st = http_redirect_check(r->url, loc);
    if (st != HD_OK) {
        refuse_redirect(resp, st, loc);
        return -1;
    }
    char *next = strdup(loc);
    if (!next || redirect_method(r, code) < 0) {
        free(next);
        resp->status = HD_ERR_INTERNAL;
        snprintf(resp->error, sizeof resp->error, "%s", _("could not follow the redirect"));
        return -1;
    }
    free(r->url);
    r->url = next;
    return 1;
}

/* Ends the transfer; its header list (a copy of the token) is wiped now, not when the
 * request is freed, which may be a long retry wait later. */
static void detach_easy(http_request *r)
{
    if (r->easy) {
        curl_multi_remove_handle(r->c->multi, r->easy);
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
    }
    wipe_headers(r->headers);
    r->headers = NULL;
}

/* Schedules another try if the outcome deserves one. Returns 1 if it did. */
static int maybe_retry(http_request *r, const http_response *resp)
{
    if (!is_retryable(resp) || r->attempts > r->max_retries)
        return 0;
    long delay = resp->code == 429 && r->retry_after_s >= 0
                     ? duration_ms_from_whole_s(r->retry_after_s, DURATION_MAX_MS)
                     : backoff_ms(r);
    if (delay > r->max_wait_ms)
        return 0; /* a wait that long is the user's call, not ours */
    r->retry_timer = loop_timer_add(r->c->l, (uint64_t)delay, on_retry_timer, r);
    if (!r->retry_timer)
        return 0;
    if (r->on_retry)
        r->on_retry(delay, resp, r->arg);
    return 1;
}

static void request_finish(http_request *r, CURLcode rc)
{
    long code = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    http_response resp = {.status = HD_OK, .code = code, .retry_after_s = r->retry_after_s,
                          .attempts = r->attempts};
    int redirect = 0;
    if (rc == CURLE_OK && code >= 300 && code < 400 && code != 304)
        redirect = follow_redirect(r, code, &resp);
    detach_easy(r);
    if (redirect > 0 && request_launch(r) == 0)
        return;
    if (redirect > 0) {
        resp.status = HD_ERR_INTERNAL;
        snprintf(resp.error, sizeof resp.error, "%s", _("could not follow the redirect"));
    } else if (redirect == 0 && rc != CURLE_OK && !r->stopped_by_reader) {
        fill_transport_error(&resp, r, rc);
        resp.code = 0;
    }
    /* A redirect's own body is not the hub's answer: only a 3xx taken as the answer shows. */
    resp.body = r->resp && redirect == 0 ? r->resp : "";
    resp.body_len = redirect == 0 ? r->resp_len : 0;
    if (redirect == 0 && maybe_retry(r, &resp))
        return;
    if (r->on_done && !r->cancelled)
        r->on_done(&resp, r->arg);
    request_free(r);
}

static void check_completed(http_client *c)
{
    CURLMsg *msg;
    int left;
    c->callback_depth++;
    while ((msg = curl_multi_info_read(c->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        http_request *r = NULL;
        CURLcode rc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r->cancelled)
            detach_easy(r); /* the reap timer frees it */
        else
            request_finish(r, rc);
    }
    c->callback_depth--;
}

hd_status http_status_for_code(long code)
{
    if (code >= 200 && code < 300)
        return HD_OK;
    switch (code) {
    case 401:
        return HD_ERR_AUTH;
    case 403:
        return HD_ERR_FORBIDDEN;
    case 404:
        return HD_ERR_NOT_FOUND;
    case 429:
        return HD_ERR_RATE_LIMITED;
    default:
        return code >= 500 ? HD_ERR_SERVER : HD_ERR_REJECTED;
    }
}
