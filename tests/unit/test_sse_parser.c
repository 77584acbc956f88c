/* test_sse_parser.c: the SSE parser on fixture streams split at every byte, and on bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse_parser.h"

/* Every fixture under tests/data/sse/ (test_fixture_list_complete checks that none is missed). */
/* clang-format off */
#define SSE_FIXTURES(X) \
    X(lf) X(crlf) X(cr) X(mixed_eol) X(bom) X(partial_bom) X(comments) X(multiline) \
    X(event_type) X(id) X(retry) X(unknown_fields) X(no_colon) X(no_space) X(keebai) \
    X(qr_raw) X(bytes) X(empty) X(only_blank)
/* clang-format on */

#define FIXTURE_NAME(f) #f,
static const char *const fixtures[] = {SSE_FIXTURES(FIXTURE_NAME)};
#define N_FIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* What the parser produced, in the text form of the .expected files. */
struct out {
    char *p;
    size_t len;
    size_t cap;
    int events;
};

static void out_add(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->p = realloc(o->p, o->cap);
        assert_non_null(o->p);
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
    out_add(o, s, strlen(s));
}

/* Control bytes are escaped so that the .expected files stay one line per event; bytes from
 * 0x80 up are kept raw so that UTF-8 stays readable and invalid UTF-8 stays visible. */
static void out_escaped(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        if (c == '\n')
            out_str(o, "\\n");
        else if (c == '\r')
            out_str(o, "\\r");
        else if (c == '\t')
            out_str(o, "\\t");
        else if (c == '\\')
            out_str(o, "\\\\");
        else if (c < 0x20 || c == 0x7f) {
            snprintf(tmp, sizeof(tmp), "\\x%02x", c);
            out_str(o, tmp);
        } else
            out_add(o, (const char *)&c, 1);
    }
}

static void on_event(const sse_event *ev, void *arg)
{
    struct out *o = arg;
    assert_non_null(ev->type);
    assert_non_null(ev->id);
    assert_non_null(ev->data);
    assert_true(ev->type[0] != '\0');
    assert_int_equal(ev->data[ev->data_len], '\0');
    o->events++;
    out_str(o, "event\t");
    out_escaped(o, ev->type, strlen(ev->type));
    out_str(o, "\t");
    out_escaped(o, ev->id, strlen(ev->id));
    out_str(o, "\t");
    out_escaped(o, ev->data, ev->data_len);
    out_str(o, "\n");
}

static void out_finish(struct out *o, const sse_parser *p)
{
    char tmp[64];
    out_str(o, "last_id\t");
    out_escaped(o, sse_parser_last_id(p), strlen(sse_parser_last_id(p)));
    snprintf(tmp, sizeof(tmp), "\nretry\t%ld\n", sse_parser_retry_ms(p));
    out_str(o, tmp);
}

static void out_clear(struct out *o)
{
    o->len = 0;
    o->events = 0;
    out_str(o, "");
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set HUBDESK_TEST_DATA to tests/data)", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *data_dir(void)
{
    const char *d = getenv("HUBDESK_TEST_DATA");
    return d && *d ? d : "tests/data";
}

static char *read_fixture(const char *name, const char *ext, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/sse/%s.%s", data_dir(), name, ext);
    return read_file(path, len);
}

/* The .expected text without its '#' note lines. */
static char *read_expected(const char *name)
{
    size_t n;
    char *raw = read_fixture(name, "expected", &n);
    char *want = calloc(n + 1, 1);
    assert_non_null(want);
    size_t w = 0;
    for (char *line = raw; *line;) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (line[0] != '#') {
            memcpy(want + w, line, ll);
            w += ll;
        }
        line += ll;
    }
    free(raw);
    return want;
}

static void feed_ok(sse_parser *p, const char *s, size_t n)
{
    assert_int_equal(sse_parser_feed(p, s, n), SSE_PARSE_OK);
}

/* Feeds the stream as [0,k) and [k,n), or byte by byte when k is SIZE_MAX. */
static void run_stream(struct out *o, const char *s, size_t n, size_t k)
{
    sse_parser *p = sse_parser_new(0, on_event, o);
    assert_non_null(p);
    out_clear(o);
    if (k == SIZE_MAX) {
        for (size_t i = 0; i < n; i++)
            feed_ok(p, s + i, 1);
    } else {
        feed_ok(p, s, k);
        feed_ok(p, s + k, n - k);
    }
    out_finish(o, p);
    sse_parser_free(p);
}

static void check_run(struct out *o, const char *want, const char *name, size_t k)
{
    if (strcmp(o->p, want) == 0)
        return;
    if (k == SIZE_MAX)
        print_error("fixture %s fed byte by byte:\n", name);
    else
        print_error("fixture %s split at byte %zu:\n", name, k);
    assert_string_equal(o->p, want);
}

static void test_fixture(void **state)
{
    const char *name = *state;
    size_t n;
    char *s = read_fixture(name, "sse", &n);
    char *want = read_expected(name);
    struct out o = {0};
    for (size_t k = 0; k <= n; k++) {
        run_stream(&o, s, n, k);
        check_run(&o, want, name, k);
    }
    run_stream(&o, s, n, SIZE_MAX);
    check_run(&o, want, name, SIZE_MAX);
    free(o.p);
    free(want);
    free(s);
}

static void test_fixture_list_complete(void **state)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/sse", data_dir());
    DIR *d = opendir(path);
    if (!d)
        fail_msg("cannot open %s", path);
    size_t found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".sse") != 0)
            continue;
        int listed = 0;
        for (size_t i = 0; i < N_FIXTURES; i++)
            listed |= strlen(fixtures[i]) == l - 4 && strncmp(fixtures[i], e->d_name, l - 4) == 0;
        if (!listed)
            print_error("%s is not in fixtures[]\n", e->d_name);
        assert_true(listed);
        found++;
    }
    closedir(d);
    assert_int_equal(found, N_FIXTURES);
}

/* A parser with its output, for the tests below. */
struct rig {
    sse_parser *p;
    struct out o;
};

static void rig_init(struct rig *r, size_t max_line)
{
    memset(r, 0, sizeof(*r));
    r->p = sse_parser_new(max_line, on_event, &r->o);
    assert_non_null(r->p);
    out_clear(&r->o);
}

static void rig_free(struct rig *r)
{
    sse_parser_free(r->p);
    free(r->o.p);
}

static int feed_str_p(sse_parser *p, const char *s)
{
    return sse_parser_feed(p, s, strlen(s));
}

static int feed_str(struct rig *r, const char *s)
{
    return sse_parser_feed(r->p, s, strlen(s));
}

static void test_overlong_line(void **state)
{
    struct rig r;
    rig_init(&r, 16);
    /* "data: " + 10 bytes is exactly the cap, which is allowed */
    assert_int_equal(feed_str(&r, "data: 0123456789\n\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "data: 01234567890\n"), SSE_PARSE_LINE_TOO_LONG);
    /* stays in error: nothing more is parsed or dispatched */
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(feed_str(&r, "data: x\n\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(sse_parser_feed(r.p, "", 0), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(r.o.events, 1);
    sse_parser_reset(r.p);
    assert_int_equal(feed_str(&r, "data: ok\n\n"), SSE_PARSE_OK);
    assert_int_equal(r.o.events, 2);
    assert_string_equal(r.o.p, "event\tmessage\t\t0123456789\nevent\tmessage\t\tok\n");
    rig_free(&r);
}

/* A line that never ends must fail as soon as it passes the cap, not when it ends. */
static void test_overlong_line_without_end(void **state)
{
    struct rig r;
    rig_init(&r, 16);
    for (int i = 0; i < 16; i++)
        assert_int_equal(sse_parser_feed(r.p, "a", 1), SSE_PARSE_OK);
    assert_int_equal(sse_parser_feed(r.p, "a", 1), SSE_PARSE_LINE_TOO_LONG);
    sse_parser_reset(r.p);
    assert_int_equal(feed_str(&r, "data: 0123"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "456789"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "0"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(r.o.events, 0);
    rig_free(&r);
}

static void test_default_max_line(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    size_t cap = 64 * 1024;
    char *line = malloc(cap + 3);
    assert_non_null(line);
    memcpy(line, "data: ", 6);
    memset(line + 6, 'x', cap - 6);
    memcpy(line + cap, "\n\n", 3);
    assert_int_equal(feed_str(&r, line), SSE_PARSE_OK);
    assert_int_equal(r.o.events, 1);
    assert_int_equal(r.o.len, strlen("event\tmessage\t\t\n") + cap - 6);
    line[cap] = 'x';
    assert_int_equal(feed_str(&r, line), SSE_PARSE_LINE_TOO_LONG);
    free(line);
    rig_free(&r);
}

static void test_overlong_data(void **state)
{
    struct rig r;
    rig_init(&r, 16);
    /* 7 + '\n' + 8 = 16 bytes of joined data: allowed */
    assert_int_equal(feed_str(&r, "data: 1234567\ndata: 12345678\n\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t\t1234567\\n12345678\n");
    assert_int_equal(feed_str(&r, "data: 1234567\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "data: 123456789\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(r.o.events, 1);
    /* short lines add up too: 17 empty data lines join to 16 newlines, 18 to 17 */
    sse_parser_reset(r.p);
    out_clear(&r.o);
    for (int i = 0; i < 17; i++)
        assert_int_equal(feed_str(&r, "data\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p,
                        "event\tmessage\t\t\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\n");
    for (int i = 0; i < 17; i++)
        assert_int_equal(feed_str(&r, "data\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "data\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(r.o.events, 1);
    rig_free(&r);
}

static void test_retry_invalid_ignored(void **state)
{
    static const struct {
        const char *v;
        size_t n;
    } bad[] = {
        {"12a", 3}, {"-5", 2}, {"+5", 2},       {" 5", 2},  {"5 ", 2}, {"0x10", 4}, {"1e3", 3},
        {"1.5", 3}, {"", 0},   {"\xd9\xa3", 2}, {"5\0", 2}, {"\0", 1}, {"５", 3},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct rig r;
        rig_init(&r, 0);
        assert_int_equal(feed_str(&r, "retry: 250\nretry: "), SSE_PARSE_OK);
        assert_int_equal(sse_parser_feed(r.p, bad[i].v, bad[i].n), SSE_PARSE_OK);
        assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_OK);
        if (sse_parser_retry_ms(r.p) != 250)
            print_error("retry value #%zu was accepted\n", i);
        assert_int_equal(sse_parser_retry_ms(r.p), 250);
        rig_free(&r);
    }
    struct rig r;
    rig_init(&r, 0);
    assert_int_equal(sse_parser_retry_ms(r.p), -1);
    assert_int_equal(feed_str(&r, "retry: x\nretry\n"), SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), -1);
    rig_free(&r);
}

static void test_retry_huge(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    assert_int_equal(feed_str(&r, "retry: 1234567890123456789012345678901234567890\n"),
                     SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 2147483647L);
    assert_int_equal(feed_str(&r, "retry: 0\n"), SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 0);
    assert_int_equal(feed_str(&r, "retry: 2147483647\n"), SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 2147483647L);
    assert_int_equal(feed_str(&r, "retry: 2147483648\n"), SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 2147483647L);
    /* saturation is per value, not sticky */
    assert_int_equal(feed_str(&r, "retry: 000000000000000000000000000000000000000010\n"),
                     SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 10);
    char line[1100] = "retry: ";
    memset(line + 7, '9', 1000);
    strcpy(line + 1007, "\n");
    assert_int_equal(feed_str(&r, line), SSE_PARSE_OK);
    assert_int_equal(sse_parser_retry_ms(r.p), 2147483647L);
    rig_free(&r);
}

static void test_nul_in_data(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    static const char s[] = "data: a\0b\ndata: \0\n\n";
    assert_int_equal(sse_parser_feed(r.p, s, sizeof(s) - 1), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t\ta\\x00b\\n\\x00\n");
    rig_free(&r);
}

static void test_nul_in_id(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    static const char s[] = "id: 5\n\nid: 6\0x\ndata: d\n\nid: \0\ndata: e\n\n";
    assert_int_equal(sse_parser_feed(r.p, s, sizeof(s) - 1), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t5\td\nevent\tmessage\t5\te\n");
    assert_string_equal(sse_parser_last_id(r.p), "5");
    rig_free(&r);
}

/* No C string can name such a type, so it must not arrive truncated, as "qr" here. */
static void test_nul_in_type(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    static const char s[] = "event: qr\0x\nid: 4\ndata: a\n\nevent: \0\ndata: b\n\ndata: c\n\n";
    assert_int_equal(sse_parser_feed(r.p, s, sizeof(s) - 1), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t4\tc\n");
    assert_string_equal(sse_parser_last_id(r.p), "4");
    rig_free(&r);
}

static void test_invalid_utf8_passes_through(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    /* bad bytes, an overlong '/', a surrogate, and a valid check mark split across feeds */
    assert_int_equal(feed_str(&r, "data: \xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xe2\x9c"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\x93\n\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t\t\xff\xfe\xc3(\xc0\xaf\xed\xa0\x80\xe2\x9c\x93\n");
    rig_free(&r);
}

static void test_reset_keeps_id_and_retry(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    assert_int_equal(feed_str(&r, "id: 7\nretry: 100\ndata: x\n\n"), SSE_PARSE_OK);
    /* the connection drops inside an event that has its own id and type */
    assert_int_equal(feed_str(&r, "event: foo\nid: 8\ndata: partial\ndata: par"), SSE_PARSE_OK);
    sse_parser_reset(r.p);
    assert_string_equal(sse_parser_last_id(r.p), "7");
    assert_int_equal(sse_parser_retry_ms(r.p), 100);
    /* the cut line is forgotten: "tial" is a field of its own now, and is ignored */
    assert_int_equal(feed_str(&r, "tial\n\ndata: y\n\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t7\tx\nevent\tmessage\t7\ty\n");
    assert_string_equal(sse_parser_last_id(r.p), "7");
    assert_int_equal(sse_parser_retry_ms(r.p), 100);
    rig_free(&r);
}

static void test_bom_only_at_start(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    assert_int_equal(feed_str(&r, "\xEF\xBB\xBF"
                                  "data: a\n\n"),
                     SSE_PARSE_OK);
    /* a second BOM is part of the next field name, which then matches nothing */
    assert_int_equal(feed_str(&r, "\xEF\xBB\xBF"
                                  "data: b\n\n"),
                     SSE_PARSE_OK);
    sse_parser_reset(r.p);
    /* a new stream may start with a BOM again, even one byte per feed */
    assert_int_equal(feed_str(&r, "\xEF"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\xBB"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\xBF"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "data: c\n\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t\ta\nevent\tmessage\t\tc\n");
    rig_free(&r);
}

/* The BOM is not counted in the line, but bytes that only looked like its start are. */
static void test_partial_bom_is_line_bytes(void **state)
{
    struct rig r;
    rig_init(&r, 4);
    assert_int_equal(feed_str(&r, "\xEF\xBB\xBF"
                                  "abcd\n"),
                     SSE_PARSE_OK);
    sse_parser_reset(r.p);
    assert_int_equal(feed_str(&r, "\xEF\xBB"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "ab\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_OK);
    sse_parser_reset(r.p);
    assert_int_equal(feed_str(&r, "\xEF\xBB"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "abc\n"), SSE_PARSE_LINE_TOO_LONG);
    assert_int_equal(r.o.events, 0);
    rig_free(&r);
}

static void test_crlf_split_across_feeds(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    /* CR | LF is one line end: "b" joins the same event */
    assert_int_equal(feed_str(&r, "data: a\r"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\ndata: b\n\n"), SSE_PARSE_OK);
    /* CR | CR is two line ends */
    assert_int_equal(feed_str(&r, "data: c\r"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\r"), SSE_PARSE_OK);
    /* CR | LF | LF: the second LF is the blank line */
    assert_int_equal(feed_str(&r, "data: d\r"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_OK);
    assert_int_equal(r.o.events, 2);
    assert_int_equal(feed_str(&r, "\n"), SSE_PARSE_OK);
    assert_string_equal(r.o.p, "event\tmessage\t\ta\\nb\nevent\tmessage\t\tc\n"
                               "event\tmessage\t\td\n");
    rig_free(&r);
}

static void test_event_fields(void **state)
{
    struct rig r;
    rig_init(&r, 0);
    assert_int_equal(feed_str(&r, "data: x\n\nevent: qr\nid: 3\ndata: y\n\ndata: z\n\n"),
                     SSE_PARSE_OK);
    assert_int_equal(r.o.events, 3);
    assert_string_equal(r.o.p, "event\tmessage\t\tx\nevent\tqr\t3\ty\nevent\tmessage\t3\tz\n");
    rig_free(&r);
}

static void test_no_callback_and_free_null(void **state)
{
    sse_parser *p = sse_parser_new(0, NULL, NULL);
    assert_non_null(p);
    assert_string_equal(sse_parser_last_id(p), "");
    assert_int_equal(sse_parser_feed(p, "id: 9\ndata: x\n\n", 15), SSE_PARSE_OK);
    assert_string_equal(sse_parser_last_id(p), "9");
    assert_int_equal(sse_parser_feed(p, NULL, 0), SSE_PARSE_OK);
    sse_parser_free(p);
    sse_parser_free(NULL);
}

/* What a callback that drops the stream does: sse_client frees its parser from an event. */
struct dropper {
    sse_parser *p;
    int events;
    int free_it;
};

static void on_event_drop(const sse_event *ev, void *arg)
{
    struct dropper *d = arg;
    d->events++;
    if (d->free_it)
        sse_parser_free(d->p);
    else
        sse_parser_reset(d->p);
}

static void test_free_in_callback(void **state)
{
    struct dropper d = {.free_it = 1};
    d.p = sse_parser_new(0, on_event_drop, &d);
    assert_non_null(d.p);
    /* ASan reports it if feed touches the parser after the callback freed it */
    assert_int_equal(feed_str_p(d.p, "data: a\n\ndata: b\n\n"), SSE_PARSE_OK);
    assert_int_equal(d.events, 1);
    /* and when the blank line is a CR right after a CR that ended the previous feed */
    d.p = sse_parser_new(0, on_event_drop, &d);
    assert_non_null(d.p);
    assert_int_equal(feed_str_p(d.p, "data: a\r"), SSE_PARSE_OK);
    assert_int_equal(feed_str_p(d.p, "\r\ndata: b\n\n"), SSE_PARSE_OK);
    assert_int_equal(d.events, 2);
}

/* A reset means a new connection: the rest of the old connection's buffer is not parsed. */
static void test_reset_in_callback(void **state)
{
    struct dropper d = {0};
    d.p = sse_parser_new(0, on_event_drop, &d);
    assert_non_null(d.p);
    assert_int_equal(feed_str_p(d.p, "id: 1\ndata: a\n\ndata: b\n\n"), SSE_PARSE_OK);
    assert_int_equal(d.events, 1);
    assert_string_equal(sse_parser_last_id(d.p), "1");
    assert_int_equal(feed_str_p(d.p, "\xEF\xBB\xBF"
                                     "data: c\n\n"),
                     SSE_PARSE_OK);
    assert_int_equal(d.events, 2);
    sse_parser_free(d.p);
}

/* Two parsers fed in turn must not see each other's state. */
static void test_parsers_independent(void **state)
{
    struct rig a;
    rig_init(&a, 0);
    struct rig b;
    rig_init(&b, 0);
    assert_int_equal(feed_str(&a, "id: A\ndata: from"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&b, "event: e\ndata: other\r"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&a, " a\n\n"), SSE_PARSE_OK);
    assert_int_equal(feed_str(&b, "\n\n"), SSE_PARSE_OK);
    assert_string_equal(a.o.p, "event\tmessage\tA\tfrom a\n");
    assert_string_equal(b.o.p, "event\te\t\tother\n");
    rig_free(&a);
    rig_free(&b);
}

/* One test per fixture, named after it, so that a failure says which stream broke. */
#define FIXTURE_TEST(f) {.name = "fixture " #f, .test_func = test_fixture, .initial_state = #f},

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* clang-format off */
        SSE_FIXTURES(FIXTURE_TEST)
        /* clang-format on */
        cmocka_unit_test(test_fixture_list_complete),
        cmocka_unit_test(test_overlong_line),
        cmocka_unit_test(test_overlong_line_without_end),
        cmocka_unit_test(test_default_max_line),
        cmocka_unit_test(test_overlong_data),
        cmocka_unit_test(test_retry_invalid_ignored),
        cmocka_unit_test(test_retry_huge),
        cmocka_unit_test(test_nul_in_data),
        cmocka_unit_test(test_nul_in_id),
        cmocka_unit_test(test_nul_in_type),
        cmocka_unit_test(test_invalid_utf8_passes_through),
        cmocka_unit_test(test_reset_keeps_id_and_retry),
        cmocka_unit_test(test_bom_only_at_start),
        cmocka_unit_test(test_partial_bom_is_line_bytes),
        cmocka_unit_test(test_crlf_split_across_feeds),
        cmocka_unit_test(test_event_fields),
        cmocka_unit_test(test_no_callback_and_free_null),
        cmocka_unit_test(test_free_in_callback),
        cmocka_unit_test(test_reset_in_callback),
        cmocka_unit_test(test_parsers_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
