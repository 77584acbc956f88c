/* keebai_decode.h: pure decoders of Keebai's answers and stream events into plain structs. */
#ifndef HD_KEEBAI_DECODE_H
#define HD_KEEBAI_DECODE_H

#include <stddef.h>

#include "status.h"

#define KB_QR_MAX 2048

typedef struct kb_qr {
    char qr[KB_QR_MAX + 1];
    int attempt;        /* 0 if absent or absurd */
    long expires_in_ms; /* 0 if absent or absurd */
} kb_qr;

typedef struct kb_connected {
    char channel_id[128]; /* sanitized; "?" when the hub sent none */
    char phone[64];
    char name[128];
} kb_connected;

/*
 * A `qr` event: {"qr":"2@...","expires_in":60,"attempt":1}, liberally also a JSON string or
 * the raw pairing string. Returns 0, or -1 when there is no usable QR (empty, too long).
 */
int keebai_decode_qr(const char *data, size_t len, kb_qr *out);

/* A `connected` event: channel_id/phone_number/name at the top or inside "channel". */
void keebai_decode_connected(const char *data, size_t len, kb_connected *out);

/* An `error` event {"code","message"}: a status and one sanitized line. */
hd_status keebai_decode_error(const char *data, size_t len, char *msg, size_t msgsz);

/* An `expired` event's reason, sanitized ("" if none). */
void keebai_decode_expired(const char *data, size_t len, char *reason, size_t n);

/* The 201 answer to a QR-mode connect: copies stream_url. Returns 0, or -1 if missing. */
int keebai_decode_start(const char *body, size_t len, char *stream_url, size_t n);

/* Keebai's error codes (UNAUTHORIZED, THROTTLED, ...) as statuses. */
hd_status keebai_status_for_code(const char *code);

#endif
