/* test_sse_client.c: the EventSource client against the sandbox: drops, resume, silence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/rawhub.h"
#include "../lib/sandbox_proc.h"
#include "duration.h"
#include "sse_client.h"

static sandbox_proc sb;

typedef struct seen {
    int events;
    char ids[64][16];
    char data[64][64];
    int reconnecting, failed, opened;
    long last_delay_ms;
    char fail_message[320];
    hd_status fail_status, last_why;
    long fail_code;
    int free_on_event; /* frees the client from inside the callback */
    sse_client **self;
} seen;

static void on_event(const sse_event *ev, void *arg)
{
    seen *s = arg;
    if (s->events < 64) {
        snprintf(s->ids[s->events], sizeof s->ids[0], "%s", ev->id);
        snprintf(s->data[s->events], sizeof s->data[0], "%s", ev->data);
    }
    s->events++;
    if (s->free_on_event && s->events == s->free_on_event) {
        sse_client_free(*s->self);
        *s->self = NULL;
    }
}

static void on_status(const sse_client_status *st, void *arg)
{
    seen *s = arg;
    if (st->state == SSE_STATE_RECONNECTING) {
        s->reconnecting++;
        s->last_why = st->status;
        s->last_delay_ms = st->delay_ms;
    } else if (st->state == SSE_STATE_FAILED) {
        s->failed++;
        s->fail_status = st->status;
        s->fail_code = st->answer ? st->answer->code : 0;
        snprintf(s->fail_message, sizeof s->fail_message, "%s", st->message ? st->message : "");
    } else if (st->state == SSE_STATE_OPEN) {
        s->opened++;
    }
}

static int setup(void **state)
{
    return sandbox_start(NULL, &sb) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    sandbox_stop(&sb);
    return 0;
}

/* Runs the stream at `url` until `done` says so or the deadline passes. Returns the
 * connections made. */
static int run_url(const char *url, sse_client_opts *o, seen *s, int (*done)(const seen *),
                   long ms)
{
    o->url = url;
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    sse_client *c = sse_client_new(h, l, o, on_event, on_status, s, NULL);
    assert_non_null(c);
    s->self = &c;
    uint64_t end = loop_now_ms() + (uint64_t)ms;
    while (loop_now_ms() < end && !done(s))
        loop_run_once(l, 50);
    int conns = c ? sse_client_connections(c) : -1;
    sse_client_free(c);
    http_client_free(h);
    loop_free(l);
    return conns;
}

/* The same, on a sandbox path. */
static int run(const char *path, sse_client_opts *o, seen *s, int (*done)(const seen *),
               long ms)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", sb.port, path);
    return run_url(url, o, s, done, ms);
}

static int got_five(const seen *s)
{
    return s->events >= 5 || s->failed;
}

static void test_resumes_after_drops_without_loss_or_duplicates(void **state)
{
    seen s = {0};
    sse_client_opts o = {.default_retry_ms = 20};
    int conns = run("/_sandbox/test/sse?events=5&drop_after=2", &o, &s, got_five, 15000);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.events, 5);
    for (int i = 0; i < 5; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d", i + 1);
        assert_string_equal(s.ids[i], want); /* in order, none twice: Last-Event-ID worked */
    }
    assert_true(conns >= 3);
    assert_true(s.reconnecting >= 2);
}

static int reconnected(const seen *s)
{
    return s->reconnecting > 0 || s->failed;
}

static void test_silent_stream_counts_as_dropped(void **state)
{
    seen s = {0};
    sse_client_opts o = {.idle_timeout_ms = 300, .default_retry_ms = 20};
    run("/_sandbox/test/sse?events=3&silent_ms=5000", &o, &s, reconnected, 5000);
    assert_true(s.reconnecting >= 1);
    assert_int_equal(s.last_why, HD_ERR_TIMEOUT);
}

static int failed(const seen *s)
{
    return s->failed;
}

static void test_refused_stream_fails_without_retrying(void **state)
{
    seen s = {0};
    sse_client_opts o = {.default_retry_ms = 20};
    run("/keebai/v1/channels/whatsapp/connect/cs_nope/stream", &o, &s, failed, 5000);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.fail_status, HD_ERR_AUTH); /* no token */
    assert_int_equal(s.fail_code, 401);
    assert_int_equal(s.reconnecting, 0);
}

static void test_unreachable_stream_gives_up(void **state)
{
    seen s = {0};
    sse_client_opts o = {.default_retry_ms = 10, .max_failures = 3,
                         .url = "http://127.0.0.1:1/stream"};
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    sse_client *c = sse_client_new(h, l, &o, on_event, on_status, &s, NULL);
    uint64_t end = loop_now_ms() + 10000;
    while (loop_now_ms() < end && !s.failed)
        loop_run_once(l, 50);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.fail_status, HD_ERR_STREAM);
    assert_int_equal(s.reconnecting, 3);
    sse_client_free(c);
    http_client_free(h);
    loop_free(l);
}

static void test_freeing_from_the_event_callback_is_safe(void **state)
{
    seen s = {.free_on_event = 1};
    sse_client_opts o = {.default_retry_ms = 20};
    run("/_sandbox/test/sse?events=5", &o, &s, got_five, 1500);
    assert_int_equal(s.events, 1);
}

static void test_insecure_stream_url_is_refused(void **state)
{
    hd_status why = HD_OK;
    loop *l = loop_new();
    http_client *h = http_client_new(l);
    sse_client_opts o = {.url = "http://stream.example.com/x"};
    assert_null(sse_client_new(h, l, &o, on_event, on_status, NULL, &why));
    assert_int_equal(why, HD_ERR_INSECURE_URL);
    http_client_free(h);
    loop_free(l);
}

/* A stream that redirects to another origin ends at once with the reason: reconnecting
 * would only meet the same redirect, and the other origin hears nothing. */
static void test_stream_redirected_elsewhere_fails_at_once(void **state)
{
    rawhub *hub = rawhub_start(), *other = rawhub_start();
    assert_non_null(hub);
    assert_non_null(other);
    char loc[128], url[128], want[80];
    snprintf(loc, sizeof loc, "Location: %s/stream", rawhub_url(other));
    const char *const headers[] = {loc, NULL};
    rawhub_reply(hub, 307, headers, NULL);
    snprintf(url, sizeof url, "%s/stream", rawhub_url(hub));
    seen s = {0};
    sse_client_opts o = {.default_retry_ms = 20, .token = "tok-stream"};
    run_url(url, &o, &s, failed, 5000);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.reconnecting, 0);
    assert_int_equal(s.fail_status, HD_ERR_PROTOCOL);
    snprintf(want, sizeof want, "the hub redirected to another site (%s)", rawhub_url(other));
    assert_non_null(strstr(s.fail_message, want));
    assert_int_equal(rawhub_count(hub), 1);
    assert_int_equal(rawhub_count(other), 0);
    rawhub_stop(hub);
    rawhub_stop(other);
}

/* A server's `retry:` of days (here 99999999999 ms, about 3 years) is capped: the stream comes
 * back after DURATION_SSE_RETRY_MAX_MS at most, not in 24.8 days. */
static void test_huge_retry_is_capped(void **state)
{
    rawhub *hub = rawhub_start();
    assert_non_null(hub);
    const char *const headers[] = {"Content-Type: text/event-stream", NULL};
    rawhub_reply(hub, 200, headers, "retry: 99999999999\ndata: x\n\n");
    char url[128];
    snprintf(url, sizeof url, "%s/stream", rawhub_url(hub));
    seen s = {0};
    sse_client_opts o = {.default_retry_ms = 20};
    run_url(url, &o, &s, reconnected, 5000);
    assert_int_equal(s.events, 1);
    assert_int_equal(s.reconnecting, 1);
    assert_int_equal(s.last_delay_ms, DURATION_SSE_RETRY_MAX_MS);
    rawhub_stop(hub);
    /* a sane one is taken as it is */
    seen t = {0};
    run("/_sandbox/test/sse?events=1&retry=1500", &o, &t, reconnected, 5000);
    assert_int_equal(t.reconnecting, 1);
    assert_int_equal(t.last_delay_ms, 1500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resumes_after_drops_without_loss_or_duplicates),
        cmocka_unit_test(test_silent_stream_counts_as_dropped),
        cmocka_unit_test(test_refused_stream_fails_without_retrying),
        cmocka_unit_test(test_unreachable_stream_gives_up),
        cmocka_unit_test(test_freeing_from_the_event_callback_is_safe),
        cmocka_unit_test(test_insecure_stream_url_is_refused),
        cmocka_unit_test(test_stream_redirected_elsewhere_fails_at_once),
        cmocka_unit_test(test_huge_retry_is_capped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
