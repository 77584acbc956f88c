/* whapi_decode.h: pure decoders of Whapi.Cloud answers (manager and gate API) into plain
 * structs, or into the normalised JSON of provider.h; no I/O. Every string they give out is
 * sanitized. Every decoder takes the parsed answer and accepts NULL (an answer that was not
 * JSON) as bad input. */
#ifndef HD_WHAPI_DECODE_H
#define HD_WHAPI_DECODE_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define WH_QR_MAX 2048
#define WH_CODE_SIZE 10 /* "ABCD-EFGH" and its NUL */

/* What a /health text means for pairing. */
typedef enum wh_phase {
    WH_PHASE_STARTING, /* INIT, LAUNCH, or a text we do not know: keep waiting */
    WH_PHASE_QR,       /* the channel offers a QR (and pairing codes) */
    WH_PHASE_AUTH,     /* linked to a phone */
    WH_PHASE_FAILED,   /* ERROR, STOP, SYNC_ERROR: pairing cannot go on */
} wh_phase;

typedef struct wh_health {
    long code;      /* status.code; -1 if absent or absurd */
    char text[32];  /* status.text, sanitized ("AUTH"); never empty on success */
    char phone[24]; /* the linked phone's digits (user.id / user.phone), "" if not given */
    char name[128]; /* the linked account's name, sanitized, "" if not given */
} wh_health;

typedef struct wh_rowdata {
    char status[32];        /* "OK", "WAITING", "TIMEOUT", "ERROR" (sanitized); "" if absent */
    char qr[WH_QR_MAX + 1]; /* the QR string; "" when the answer holds no usable one */
    int qr_unprintable;     /* rowdata was refused: control characters or invalid UTF-8 */
    long expires_in_ms;     /* from `expire` (seconds); 0 if absent, <= DURATION_QR_MAX_MS */
} wh_rowdata;

/* GET /health: {"status":{"code":N,"text":"AUTH"},"user":{"id":"5511..."}}. 0, or -1 when
 * there is no status text. */
int whapi_decode_health(const json_t *j, wh_health *out);

/* The phase of a health text (case-insensitive); unknown texts are WH_PHASE_STARTING. */
wh_phase whapi_health_phase(const char *text);

/* A translated sentence saying what a health text means for the agent ("linked: ..."); for an
 * unknown text or NULL, a sentence saying so. Never NULL. */
const char *whapi_health_meaning(const char *text);

/* GET /users/login/rowdata: {"status":"OK","rowdata":"2@...","expire":20}. A QR that is too
 * long is dropped (qr ""); one that is not printable text (qr_text_ok) too, with
 * qr_unprintable set. 0, or -1 if `j` is not an object. */
int whapi_decode_rowdata(const json_t *j, wh_rowdata *out);

/* Normalises a pairing code to "ABCD-EFGH": 8 Crockford base32 characters (lower case is
 * raised), with or without the dash after the fourth. 0, or -1 for anything else. */
int whapi_code_normalise(const char *in, char out[WH_CODE_SIZE]);

/* GET /users/login/{phone}: `code` or `pairing_code` (or a bare JSON string), normalised as
 * above. 0, or -1 when there is no valid code. */
int whapi_decode_code(const json_t *j, char out[WH_CODE_SIZE]);

/*
 * One channel object of the manager API into provider.h's channel: {"id","name",
 * "type":"whatsapp","active",...}; timestamps stay milliseconds (integers; absurd ones are
 * left out). The channel's token is never copied. New reference, or NULL without a usable id.
 */
json_t *whapi_decode_channel(const json_t *j);

/* GET /channels: {"channels":[...]} or a bare array; channels without a usable id are
 * skipped; when project_id is not NULL only that project's. New array, or NULL (wrong shape). */
json_t *whapi_decode_channels(const json_t *j, const char *project_id);

/* GET /projects: {"projects":[...]} or a bare array, into [{"id","name"}]. NULL: wrong shape. */
json_t *whapi_decode_projects(const json_t *j);

/* The channel token in a PUT /channels answer, borrowed from `j`; NULL when absent or not
 * fit for an Authorization header. The caller copies it into guarded memory at once. */
const char *whapi_channel_token(const json_t *j);

/* {"error":{"code":N,"message":"...","details":"..."}} into "N: message (details)", sanitized.
 * 0, or -1 (out untouched) when there is no such envelope. */
int whapi_decode_error(const json_t *j, char *out, size_t n);

/*
 * "/channels/<id><suffix>" with the id percent-encoded. Refuses (-1) an empty id, ".", "..",
 * and ids holding '/', '?', '#', spaces or control characters, or when it does not fit.
 */
int whapi_channel_path(char *out, size_t n, const char *id, const char *suffix);

#endif
