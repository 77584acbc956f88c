/* keebai.h: the Keebai QR session store, shared by the API, the stream and the test controls. */
#ifndef HD_SB_KEEBAI_H
#define HD_SB_KEEBAI_H

#include "sb.h"

typedef enum { SB_WAITING, SB_SCANNED, SB_CONNECTED, SB_EXPIRED } sb_state;
typedef enum { SB_EV_QR, SB_EV_SCANNED, SB_EV_CONNECTED, SB_EV_EXPIRED } sb_event_kind;

typedef struct sb_event {
    long id; /* 1, 2, ... per session: the SSE `id:` */
    sb_event_kind kind;
    int attempt;         /* qr only */
    int64_t deadline_ms; /* qr only: when this QR stops being valid */
    char *qr;            /* qr only: the pairing string */
} sb_event;

/*
 * A session lives in the server's list (one reference) and in each open stream (one each);
 * every field is read and written under srv->lock. The event array is sized for the whole
 * life of the session at creation, so it never moves.
 */
struct sb_session {
    char id[40];
    char *name;
    int64_t created_ms;
    sb_state state;
    int attempt;
    int64_t connect_at_ms;
    char channel_id[40];
    char phone[24];
    sb_event *events;
    size_t nevents, cap;
    unsigned refs;
    unsigned streams;
    unsigned drop_gen; /* bumped by /drop: streams that saw an older value hang up */
};

/* All of these expect srv->lock held. */
sb_session *sb_session_find(sb_server *srv, const char *id, bool allow_latest);
void sb_session_advance(sb_server *srv, sb_session *s, int64_t now);
int64_t sb_session_deadline(sb_server *srv, const sb_session *s);
bool sb_session_scan(sb_server *srv, sb_session *s, int64_t now);
long sb_session_start_cursor(const sb_session *s);
json_t *sb_session_json(const sb_session *s);
json_t *sb_event_data(const sb_session *s, const sb_event *ev, int64_t now);
const char *sb_event_name(sb_event_kind kind);
void sb_session_unref(sb_session *s);

/* At exit, after the HTTP daemon has stopped. */
void sb_sessions_free(sb_server *srv);

#endif
