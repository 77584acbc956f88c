/* journal.h: the local journal of hub changes ($XDG_STATE_HOME/hubdesk/journal.jsonl). */
#ifndef HD_JOURNAL_H
#define HD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * One change made on a hub, as one JSON object on one line:
 *   {"time":1700000000,"profile":"acme","hub":"whapi","op":"webhook_set","id":"CH-1",
 *    "result":"ok","detail":"https://example.com/hook"}
 * The entry holds no free-form field a secret could go into unnoticed: the op is a fixed word,
 * the result ok/failed, and detail only what journal_hub.c puts there (a webhook URL without
 * its query, a message id, the first line of a hub's error, which never holds a secret).
 */
typedef enum journal_op {
    JOURNAL_OP_CHANNEL_CREATE,
    JOURNAL_OP_PAIR,
    JOURNAL_OP_CONNECT,
    JOURNAL_OP_WEBHOOK_SET,
    JOURNAL_OP_LIVE,
    JOURNAL_OP_CHANNEL_DELETE,
    JOURNAL_OP_TEARDOWN,
    JOURNAL_OP_TEST_SEND,
    JOURNAL_OP_COUNT
} journal_op;

#define JOURNAL_LINE_MAX 8192 /* longer lines are damaged, whatever they hold */
#define JOURNAL_LOCK_TIMEOUT_MS 2000

typedef struct journal_entry {
    int64_t time;      /* unix seconds */
    char profile[65];  /* profile name, "" when the session has none */
    char hub[32];      /* driver id ("whapi") */
    journal_op op;
    char id[129];      /* channel or instance id, "" when none (a create that failed) */
    int ok;            /* 1 "ok", 0 "failed" */
    char detail[301];  /* short, sanitized; "" when none */
} journal_entry;

/* "channel_create", "pair", ... ; NULL for a value out of range. */
const char *journal_op_name(journal_op op);
/* The op for a word; -1 if unknown. */
int journal_op_from_name(const char *name);

/* $XDG_STATE_HOME/hubdesk/journal.jsonl (~/.local/state/... when unset, empty or relative).
   0, or -1 when there is no home or it does not fit. */
int journal_default_path(char *out, size_t n);

/*
 * Copies the strings into e (sanitized with text_sanitize, truncated to fit); time is set to
 * now. Any string may be NULL (""), or one of e's own.
 */
void journal_entry_set(journal_entry *e, journal_op op, const char *profile, const char *hub,
                       const char *id, int ok, const char *detail);

/* The entry as one JSON line with its '\n' (malloc'd, NUL-terminated, ASCII only), or NULL
   when out of memory or longer than JOURNAL_LINE_MAX. */
char *journal_entry_line(const journal_entry *e);

/*
 * Parses one line (n bytes, without its '\n'): 0 and *e filled, or -1 when it is damaged
 * (over JOURNAL_LINE_MAX, NUL bytes, not JSON, a member missing, unknown or of the wrong type,
 * a string with control characters or invalid UTF-8, an unknown op or result). No I/O.
 */
int journal_parse_line(const char *line, size_t n, journal_entry *e);

/*
 * Appends e to the journal at path: the directory is created 0700 and the file 0600 when
 * missing; both are refused when another user could write them (as profiles.json). The line
 * goes out in one write() under an exclusive flock on the file, after a '\n' when a killed
 * writer left a last line without one, so a line is whole or absent; a short write (disk full)
 * is cut off again. 0, or -1 with one translated line in err (nothing was written then).
 */
int journal_append(const char *path, const journal_entry *e, char *err, size_t errsz);

/* journal_append to journal_default_path(). */
int journal_record(const journal_entry *e, char *err, size_t errsz);

/* Called for each whole, valid entry in file order; nonzero stops the reading. */
typedef int (*journal_entry_fn)(const journal_entry *e, void *arg);

/*
 * Reads the journal at path: fn for every valid line; *damaged counts the lines skipped (see
 * journal_parse_line; a last line without '\n' too). A missing file is an empty journal (0).
 * -1 with err when it cannot be read or another user could write it.
 */
int journal_read(const char *path, journal_entry_fn fn, void *arg, size_t *damaged, char *err,
                 size_t errsz);

#endif
