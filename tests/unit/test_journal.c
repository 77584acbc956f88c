/* test_journal.c: the journal of hub changes: round trip, damaged lines, concurrent and killed
 * writers, files others could write, and entries with no room for a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_history.h"
#include "journal.h"
#include "journal_hub.h"

static char dir[256], path[300];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/hd-journal-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/state/hubdesk/journal.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct got {
    journal_entry e[512];
    size_t n;
} got;

static int collect(const journal_entry *e, void *arg)
{
    got *g = arg;
    if (g->n < sizeof g->e / sizeof *g->e)
        g->e[g->n] = *e;
    g->n++;
    return 0;
}

/* Reads the journal: 0 expected; the entries into g, the damaged count returned. */
static size_t read_all(got *g)
{
    char err[600] = "";
    size_t damaged = 99;
    memset(g, 0, sizeof *g);
    int rc = journal_read(path, collect, g, &damaged, err, sizeof err);
    if (rc != 0)
        fail_msg("journal_read: %s", err);
    return damaged;
}

static void append_ok(const journal_entry *e)
{
    char err[600] = "";
    if (journal_append(path, e, err, sizeof err) != 0)
        fail_msg("journal_append: %s", err);
}

static journal_entry sample(journal_op op, const char *id, int ok, const char *detail)
{
    journal_entry e;
    journal_entry_set(&e, op, "acme", "whapi", id, ok, detail);
    return e;
}

/* Writes raw bytes as the whole file (mkdir'ing its directory 0700). */
static void write_raw(const char *bytes, size_t n)
{
    char d[300];
    snprintf(d, sizeof d, "%s/state", dir);
    mkdir(d, 0700);
    snprintf(d, sizeof d, "%s/state/hubdesk", dir);
    mkdir(d, 0700);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
}

static void fresh(void)
{
    unlink(path);
}

/* ---- round trip ------------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
    got g;
    struct stat st;
    char d[300];
    fresh();
    journal_entry a = sample(JOURNAL_OP_CHANNEL_CREATE, "CH-1", 1, "");
    journal_entry b = sample(JOURNAL_OP_WEBHOOK_SET, "CH-1", 0, "https://example.com/hook");
    journal_entry c = sample(JOURNAL_OP_TEST_SEND, "Café ☕", 1, "wamid.1");
    append_ok(&a);
    append_ok(&b);
    append_ok(&c);
    assert_int_equal(read_all(&g), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.e[0].op, JOURNAL_OP_CHANNEL_CREATE);
    assert_string_equal(g.e[0].id, "CH-1");
    assert_int_equal(g.e[0].ok, 1);
    assert_int_equal(g.e[0].time, a.time);
    assert_string_equal(g.e[1].profile, "acme");
    assert_string_equal(g.e[1].hub, "whapi");
    assert_int_equal(g.e[1].ok, 0);
    assert_string_equal(g.e[1].detail, "https://example.com/hook");
    assert_string_equal(g.e[2].id, "Café ☕"); /* written as \u escapes, read back whole */
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(d, sizeof d, "%s/state/hubdesk", dir);
    assert_int_equal(stat(d, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
}

static void test_missing_journal_is_empty(void **state)
{
    got g;
    fresh();
    assert_int_equal(read_all(&g), 0);
    assert_int_equal(g.n, 0);
}

static void test_op_names(void **state)
{
    static const char *const want[] = {"channel_create", "pair", "connect", "webhook_set",
                                       "live", "channel_delete", "teardown", "test_send"};
    for (int i = 0; i < JOURNAL_OP_COUNT; i++) {
        assert_string_equal(journal_op_name((journal_op)i), want[i]);
        assert_int_equal(journal_op_from_name(want[i]), i);
    }
    assert_null(journal_op_name(JOURNAL_OP_COUNT));
    assert_int_equal(journal_op_from_name("token"), -1);
}

/* ---- damaged lines ---------------------------------------------------------------------- */

static void test_damaged_lines_are_skipped_and_counted(void **state)
{
    journal_entry ok = sample(JOURNAL_OP_LIVE, "CH-9", 1, "");
    char *good = journal_entry_line(&ok);
    size_t glen = strlen(good);
    char *buf = malloc(64 * 1024);
    size_t n = 0;
#define ADD(s, len) (memcpy(buf + n, (s), (len)), n += (len))
#define ADDS(s) ADD(s, strlen(s))
    ADD(good, glen);
    ADDS("this is not json\n");                                                         /* 1 */
    ADDS("{\"time\":1,\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"x\"}\n"); /* 2 */
    ADDS("{\"time\":\"1\",\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"x\","
         "\"result\":\"ok\",\"detail\":\"\"}\n");                                         /* 3 */
    ADDS("{\"time\":1,\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"x\","
         "\"result\":\"ok\",\"detail\":\"\",\"token\":\"s3cr3t\"}\n");                    /* 4 */
    ADDS("{\"time\":1,\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"reveal\",\"id\":\"x\","
         "\"result\":\"ok\",\"detail\":\"\"}\n");                                         /* 5 */
    ADDS("{\"time\":1,\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"\\u001b[2J\","
         "\"result\":\"ok\",\"detail\":\"\"}\n");                                         /* 6 */
    ADDS("{\"time\":1,\"profile\":\"a\xff\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"x\","
         "\"result\":\"ok\",\"detail\":\"\"}\n");                                         /* 7 */
    ADD("{\"time\":1,\0\"profile\":\"a\"}\n", 27);                                       /* 8 */
    buf[n++] = '{'; /* 9: a line of 20000 bytes */
    memset(buf + n, ' ', 20000);
    n += 20000;
    ADDS("}\n");
    ADDS("{\"time\":1,\"profile\":\"a\",\"hub\":\"whapi\",\"op\":\"live\",\"id\":\"x\","
         "\"result\":\"maybe\",\"detail\":\"\"}\n");                                      /* 10 */
    ADD(good, glen);
    ADD(good, glen - 9); /* 11: a writer killed mid-line: no '\n' at the end */
    write_raw(buf, n);
    got g;
    assert_int_equal(read_all(&g), 11);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.e[0].id, "CH-9");
    assert_string_equal(g.e[1].id, "CH-9");

    /* The next append starts on a line of its own: the damaged line stays one line. */
    journal_entry next = sample(JOURNAL_OP_CHANNEL_DELETE, "CH-10", 1, "");
    append_ok(&next);
    assert_int_equal(read_all(&g), 11);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.e[2].op, JOURNAL_OP_CHANNEL_DELETE);
    free(buf);
    free(good);
#undef ADD
#undef ADDS
}

static void test_parse_line_bounds(void **state)
{
    journal_entry e;
    assert_int_equal(journal_parse_line("", 0, &e), -1);
    assert_int_equal(journal_parse_line("[]", 2, &e), -1);
    assert_int_equal(journal_parse_line("{}", 2, &e), -1);
    const char *neg = "{\"time\":-5,\"profile\":\"\",\"hub\":\"x\",\"op\":\"pair\",\"id\":\"\","
                      "\"result\":\"ok\",\"detail\":\"\"}";
    assert_int_equal(journal_parse_line(neg, strlen(neg), &e), -1);
    const char *dup = "{\"time\":5,\"time\":6,\"profile\":\"\",\"hub\":\"x\",\"op\":\"pair\","
                      "\"id\":\"\",\"result\":\"ok\"}";
    assert_int_equal(journal_parse_line(dup, strlen(dup), &e), -1);
    const char *fine = "{\"time\":5,\"profile\":\"\",\"hub\":\"x\",\"op\":\"pair\",\"id\":\"\","
                       "\"result\":\"failed\",\"detail\":\"EXPIRED\"}";
    assert_int_equal(journal_parse_line(fine, strlen(fine), &e), 0);
    assert_int_equal(e.ok, 0);
    assert_int_equal(e.op, JOURNAL_OP_PAIR);
}

/* ---- many writers -------------------------------------------------------------------------- */

static void test_concurrent_writers(void **state)
{
    enum { WRITERS = 8, EACH = 50 };
    fresh();
    for (int w = 0; w < WRITERS; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char id[32], err[600];
            for (int i = 0; i < EACH; i++) {
                snprintf(id, sizeof id, "w%d-%d", w, i);
                journal_entry e = sample(JOURNAL_OP_TEST_SEND, id, 1, "a detail long enough to "
                                         "make the line cross a few hundred bytes, so that "
                                         "interleaved writes would show up as broken lines");
                if (journal_append(path, &e, err, sizeof err) != 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int st;
        assert_true(wait(&st) > 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    got g;
    assert_int_equal(read_all(&g), 0);
    assert_int_equal(g.n, WRITERS * EACH);
    /* each writer's lines in its own order */
    int next[WRITERS] = {0};
    for (size_t i = 0; i < g.n; i++) {
        int w, k;
        assert_int_equal(sscanf(g.e[i].id, "w%d-%d", &w, &k), 2);
        assert_int_equal(k, next[w]++);
    }
}

static void test_killed_writers_leave_whole_lines(void **state)
{
    fresh();
    srand((unsigned)getpid());
    for (int round = 0; round < 30; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char err[600];
            for (;;) {
                journal_entry e = sample(JOURNAL_OP_PAIR, "killed", 1, "qr");
                journal_append(path, &e, err, sizeof err);
            }
        }
        struct timespec ts = {0, (long)(1 + rand() % 5) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    got g;
    size_t damaged = read_all(&g);
    assert_true(g.n > 0);
    /* Only the last line may be cut, and then the file does not end with '\n'. */
    int fd = open(path, O_RDONLY);
    char last = '\n';
    off_t size = lseek(fd, 0, SEEK_END);
    assert_int_equal(pread(fd, &last, 1, size - 1), 1);
    close(fd);
    assert_int_equal(damaged, last == '\n' ? 0 : 1);
    for (size_t i = 0; i < g.n && i < 512; i++)
        assert_string_equal(g.e[i].id, "killed");
}

/* ---- files others could write -------------------------------------------------------------- */

static void assert_refused(const char *want)
{
    char err[600] = "";
    size_t damaged;
    got g;
    journal_entry e = sample(JOURNAL_OP_LIVE, "x", 1, "");
    assert_int_equal(journal_append(path, &e, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("append: want '%s' in '%s'", want, err);
    err[0] = '\0';
    assert_int_equal(journal_read(path, collect, &g, &damaged, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("read: want '%s' in '%s'", want, err);
}

static void test_others_writable_is_refused(void **state)
{
    char d[300];
    struct stat st;
    fresh();
    journal_entry e = sample(JOURNAL_OP_LIVE, "x", 1, "");
    append_ok(&e);
    assert_int_equal(stat(path, &st), 0);
    off_t before = st.st_size;
    assert_int_equal(chmod(path, 0620), 0);
    assert_refused("mode 620");
    assert_int_equal(chmod(path, 0600), 0);
    snprintf(d, sizeof d, "%s/state/hubdesk", dir);
    assert_int_equal(chmod(d, 0777), 0);
    assert_refused("mode 777");
    assert_int_equal(chmod(d, 0700), 0);
    if (chown(path, 12345, (gid_t)-1) == 0) { /* root: the file of another user */
        assert_refused("owner uid 12345");
        assert_int_equal(chown(path, geteuid(), (gid_t)-1), 0);
    }
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, before); /* nothing was written while refused */
    fresh();
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_refused("not a regular file");
    fresh();
    assert_int_equal(symlink("/tmp", path), 0);
    char err[600];
    assert_int_equal(journal_append(path, &e, err, sizeof err), -1); /* never followed */
    fresh();
}

static void test_default_path(void **state)
{
    char p[512];
    char *old_x = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_h = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/home/u", 1);
    setenv("XDG_STATE_HOME", "/st", 1);
    assert_int_equal(journal_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/st/hubdesk/journal.jsonl");
    setenv("XDG_STATE_HOME", "rel", 1);
    assert_int_equal(journal_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/home/u/.local/state/hubdesk/journal.jsonl");
    setenv("XDG_STATE_HOME", "", 1);
    assert_int_equal(journal_default_path(p, sizeof p), 0);
    assert_string_equal(p, "/home/u/.local/state/hubdesk/journal.jsonl");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_int_equal(journal_default_path(p, sizeof p), -1);
    if (old_x)
        setenv("XDG_STATE_HOME", old_x, 1);
    if (old_h)
        setenv("HOME", old_h, 1);
    free(old_x);
    free(old_h);
}

/* ---- no room for a secret ------------------------------------------------------------------ */

static void assert_line_lacks(const journal_entry *e, const char *secret)
{
    char *line = journal_entry_line(e);
    assert_non_null(line);
    if (strstr(line, secret))
        fail_msg("'%s' in %s", secret, line);
    json_t *o = json_loads(line, 0, NULL);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 7); /* time profile hub op id result detail */
    json_decref(o);
    free(line);
}

static void test_hub_calls_keep_no_secret(void **state)
{
    journal_entry e;
    /* a webhook URL loses its query, fragment and user:password (they may hold a key) */
    hub_req wh = {.op = HUB_OP_WEBHOOK_SET, .channel_id = "CH-1", .channel_token = "CHTOKEN",
                  .url = "https://bob:PASSWD@hooks.example.com/in/whapi?key=QUERYKEY#FRAG"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &wh), 0);
    hub_result ok = {.status = HD_OK, .secret = "SIGNINGSECRET"};
    journal_hub_end(&e, &ok);
    assert_string_equal(e.detail, "https://hooks.example.com/in/whapi");
    assert_string_equal(e.id, "CH-1");
    assert_int_equal(e.op, JOURNAL_OP_WEBHOOK_SET);
    assert_line_lacks(&e, "PASSWD");
    assert_line_lacks(&e, "QUERYKEY");
    assert_line_lacks(&e, "SIGNINGSECRET");
    assert_line_lacks(&e, "CHTOKEN");

    /* a created channel: its id from the answer, never its token */
    hub_req cr = {.op = HUB_OP_CHANNEL_CREATE, .name = "Acme", .project_id = "P1"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &cr), 0);
    json_t *ch = json_pack("{s:s,s:s}", "id", "NEW-CH", "name", "Acme");
    hub_result made = {.status = HD_OK, .data = ch, .secret = "NEWCHANNELTOKEN"};
    journal_hub_end(&e, &made);
    assert_string_equal(e.id, "NEW-CH");
    assert_int_equal(e.ok, 1);
    assert_line_lacks(&e, "NEWCHANNELTOKEN");
    json_decref(ch);

    /* a test message: its id, never its text or recipient; a hub "error" is a failure */
    hub_req tm = {.op = HUB_OP_SEND_TEST, .channel_id = "CH-1", .to = "5511999999999",
                  .text = "PRIVATE MESSAGE TEXT"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &tm), 0);
    json_t *sent = json_pack("{s:s,s:s}", "message_id", "wamid.42", "status", "sent");
    hub_result r1 = {.status = HD_OK, .data = sent};
    journal_hub_end(&e, &r1);
    assert_string_equal(e.detail, "wamid.42");
    assert_int_equal(e.ok, 1);
    assert_line_lacks(&e, "PRIVATE MESSAGE TEXT");
    assert_line_lacks(&e, "5511999999999");
    json_decref(sent);
    sent = json_pack("{s:s,s:s,s:s}", "status", "error", "error_code", "OUTSIDE_WINDOW",
                     "error_message", "24 h window closed\nsecond line");
    hub_result r2 = {.status = HD_OK, .data = sent};
    journal_hub_end(&e, &r2);
    assert_int_equal(e.ok, 0);
    assert_string_equal(e.detail, "OUTSIDE_WINDOW: 24 h window closed");
    json_decref(sent);

    /* connect: the code, tokens and app secret stay out */
    hub_connect c = {.waba_id = "123456", .phone_id = "654321", .code = "AUTHCODE",
                     .access_token = "ACCESSTOKEN", .app_secret = "APPSECRET",
                     .verify_token = "VERIFYTOKEN"};
    hub_req cn = {.op = HUB_OP_CONNECT, .project_id = "497f6eca-6276-4993-bfeb-53cbbbba6f08",
                  .channel_id = "whatsapp", .connect = &c};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_hydracore, &cn), 0);
    hub_result fail = {.status = HD_ERR_PROTOCOL, .message = "422: bad\nmore"};
    journal_hub_end(&e, &fail);
    assert_string_equal(e.id, "497f6eca-6276-4993-bfeb-53cbbbba6f08"); /* the instance */
    assert_string_equal(e.detail, "422: bad");
    assert_int_equal(e.ok, 0);
    for (const char *const *s = (const char *const[]){"AUTHCODE", "ACCESSTOKEN", "APPSECRET",
                                                      "VERIFYTOKEN", NULL};
         *s; s++)
        assert_line_lacks(&e, *s);

    /* HydraCore's delete is its teardown; reads are not changes */
    hub_req del = {.op = HUB_OP_CHANNEL_DELETE, .project_id = "I-1", .channel_id = "whatsapp"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_hydracore, &del), 0);
    assert_int_equal(e.op, JOURNAL_OP_TEARDOWN);
    del.project_id = NULL;
    del.channel_id = "CH-2";
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &del), 0);
    assert_int_equal(e.op, JOURNAL_OP_CHANNEL_DELETE);
    hub_req live = {.op = HUB_OP_CHANNEL_MODE, .channel_id = "CH-2", .mode = "live"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &live), 0);
    assert_int_equal(e.op, JOURNAL_OP_LIVE);
    for (hub_op op = HUB_OP_CHECK; op <= HUB_OP_CHANNELS; op++) {
        hub_req rd = {.op = op};
        assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &rd), -1);
    }
    hub_req st = {.op = HUB_OP_STATUS, .channel_token = "CHTOKEN"};
    assert_int_equal(journal_hub_begin(&e, "acme", &provider_whapi, &st), -1);
}

static void test_pairing_entry(void **state)
{
    journal_entry e;
    journal_hub_pair(&e, "acme", &provider_keebai, "CH-7", PAIR_MODE_BROWSER, 1, HD_OK, "");
    assert_int_equal(e.op, JOURNAL_OP_PAIR);
    assert_string_equal(e.detail, "browser");
    assert_string_equal(e.hub, "keebai");
    journal_hub_pair(&e, "acme", &provider_keebai, "", PAIR_MODE_QR, 0, HD_ERR_EXPIRED, "");
    assert_int_equal(e.ok, 0);
    assert_true(e.detail[0] != '\0');
}

static void test_strings_are_sanitized(void **state)
{
    journal_entry e;
    journal_entry_set(&e, JOURNAL_OP_LIVE, "a\033[2Jb", "whapi", "id\nwith\rbreaks", 1,
                      "bad \xff utf8");
    assert_null(strchr(e.profile, '\033'));
    assert_null(strchr(e.id, '\n'));
    assert_null(strstr(e.detail, "\xff"));
    char *line = journal_entry_line(&e);
    journal_entry back;
    assert_int_equal(journal_parse_line(line, strlen(line) - 1, &back), 0);
    free(line);
}

static void test_since_dates(void **state)
{
    int64_t t = 0;
    assert_int_equal(cli_history_parse_date("2024-02-29", &t), 0);
    assert_true(t > 0);
    assert_int_equal(cli_history_parse_date("2023-02-29", &t), -1);
    assert_int_equal(cli_history_parse_date("2024-13-01", &t), -1);
    assert_int_equal(cli_history_parse_date("2024-1-01", &t), -1);
    assert_int_equal(cli_history_parse_date("yesterday", &t), -1);
    assert_int_equal(cli_history_parse_date("2024-01-01x", &t), -1);
    assert_int_equal(cli_history_parse_date("", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_missing_journal_is_empty),
        cmocka_unit_test(test_op_names),
        cmocka_unit_test(test_damaged_lines_are_skipped_and_counted),
        cmocka_unit_test(test_parse_line_bounds),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_killed_writers_leave_whole_lines),
        cmocka_unit_test(test_others_writable_is_refused),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_hub_calls_keep_no_secret),
        cmocka_unit_test(test_pairing_entry),
        cmocka_unit_test(test_strings_are_sanitized),
        cmocka_unit_test(test_since_dates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
