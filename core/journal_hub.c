/* journal_hub.c: journal entries from hub calls and pairing sessions (no secret goes in). */
#include "journal_hub.h"
#include "hubcall.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int op_of(const provider_ops *ops, const hub_req *req)
{
    switch (req->op) {
    case HUB_OP_CHANNEL_CREATE: return JOURNAL_OP_CHANNEL_CREATE;
    case HUB_OP_CHANNEL_MODE: return JOURNAL_OP_LIVE;
    case HUB_OP_CHANNEL_DELETE:
        /* HydraCore's delete removes the WhatsApp channel of an instance: its teardown */
        return (ops->caps & PROVIDER_CAP_LOCAL_PROJECTS) ? JOURNAL_OP_TEARDOWN
                                                         : JOURNAL_OP_CHANNEL_DELETE;
    case HUB_OP_WEBHOOK_SET: return JOURNAL_OP_WEBHOOK_SET;
    case HUB_OP_CONNECT: return JOURNAL_OP_CONNECT;
    case HUB_OP_SEND_TEST: return JOURNAL_OP_TEST_SEND;
    default: return -1;
    }
}

char *journal_hub_url(const char *url, char *out, size_t outsz)
{
    const char *u = url ? url : "";
    size_t n = strcspn(u, "?#"); /* the query and the fragment may carry a key */
    const char *sep = strstr(u, "://");
    size_t host = sep && (size_t)(sep - u) < n ? (size_t)(sep - u) + 3 : 0;
    size_t path = host + strcspn(u + host, "/?#"); /* where the authority ends */
    size_t from = host;
    for (size_t i = host; i < path; i++)
        if (u[i] == '@') /* user:password@host */
            from = i + 1;
    snprintf(out, outsz, "%.*s%.*s", (int)host, u, (int)(n - from), u + from);
    return out;
}

int journal_hub_begin(journal_entry *e, const char *profile, const provider_ops *ops,
                      const hub_req *req)
{
    char url[301] = "";
    int op = op_of(ops, req);
    if (op < 0)
        return -1;
    int instance = (ops->caps & PROVIDER_CAP_LOCAL_PROJECTS) && req->project_id;
    const char *id = instance ? req->project_id : req->channel_id;
    if (op == JOURNAL_OP_WEBHOOK_SET)
        journal_hub_url(req->url, url, sizeof url);
    journal_entry_set(e, (journal_op)op, profile, ops->id, id, 0, url);
    return 0;
}

/* The first line of s into the entry's detail. */
static void first_line(journal_entry *e, const char *s)
{
    char line[sizeof e->detail];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(s, "\r\n"), s);
    journal_entry_set(e, e->op, e->profile, e->hub, e->id, e->ok, line);
}

static void test_sent(journal_entry *e, const json_t *d)
{
    const char *status = hubcall_str(d, "status");
    const char *mid = hubcall_str(d, "message_id");
    const char *code = hubcall_str(d, "error_code"), *msg = hubcall_str(d, "error_message");
    char detail[sizeof e->detail];
    e->ok = !(status && !strcmp(status, "error"));
    if (e->ok)
        snprintf(detail, sizeof detail, "%s", mid ? mid : "");
    else
        snprintf(detail, sizeof detail, "%s%s%s", code ? code : "", code && msg ? ": " : "",
                 msg ? msg : "");
    first_line(e, detail);
}

void journal_hub_end(journal_entry *e, const hub_result *r)
{
    e->time = (int64_t)time(NULL);
    e->ok = r->status == HD_OK;
    if (!e->ok) {
        first_line(e, r->message && *r->message ? r->message : hd_status_name(r->status));
        return;
    }
    const char *id = hubcall_str(r->data, "id");
    if (e->op == JOURNAL_OP_CHANNEL_CREATE && id)
        journal_entry_set(e, e->op, e->profile, e->hub, id, 1, e->detail);
    else if (e->op == JOURNAL_OP_TEST_SEND)
        test_sent(e, r->data);
}

void journal_hub_pair(journal_entry *e, const char *profile, const provider_ops *ops,
                      const char *channel_id, pair_mode mode, int ok, hd_status st,
                      const char *message)
{
    journal_entry_set(e, JOURNAL_OP_PAIR, profile, ops->id, channel_id, ok,
                      ok ? pair_mode_name(mode) : "");
    if (!ok)
        first_line(e, message && *message ? message : hd_status_name(st));
}
