/* hubmessage_decode.h: pure decoders of HubMessage's answers into provider.h's normalised
 * JSON; no I/O. Every string they give out is sanitized; every decoder takes the parsed
 * answer and accepts NULL (an answer that was not JSON) as bad input. */
#ifndef HD_HUBMESSAGE_DECODE_H
#define HD_HUBMESSAGE_DECODE_H

#include <jansson.h>
#include <stddef.h>

#define HM_ID_MAX 128  /* longer ids are not ids: refused rather than cut */
#define HM_NAME_MAX 60 /* characters in a channel name */
#define HM_TEXT_MAX 4096

/* 1 if a channel id can go into a path as is: 1..HM_ID_MAX of A-Z a-z 0-9 - _ . ~, not "."
 * or ".." (so it needs no escaping and cannot leave /v1/channels/). */
int hubmessage_id_ok(const char *id);

/* 1 if the token is a public key ("hm_pk_...", "pk_..."): those are for the web SDK. */
int hubmessage_is_public_key(const char *token);

/* POST /v1/channels' answer {"id"} as the channel {"id","name","type":"META_WHATSAPP",
 * "active":false} (name as we sent it). NULL without a usable id. */
json_t *hubmessage_decode_created(const json_t *j, const char *name);

/* POST .../connect's answer {"success":true}: 1 when it succeeded (also when the answer is
 * silent about it: a 2xx is the hub's yes), 0 when it says "success": false. */
int hubmessage_decode_connected(const json_t *j);

/* POST .../messages' answer {"messageId"}: {"message_id","status":"accepted"} (message_id
 * left out when there is no usable one). NULL if the answer is not an object. */
json_t *hubmessage_decode_sent(const json_t *j);

/* GET /v1/channels/{id}: {"code":0,"text":status,"meaning","waba_id","phone_id",
 * "coexistence"} (ids and coexistence only when the hub gave them). NULL without a status. */
json_t *hubmessage_decode_status(const json_t *j);

/* The status a 404/405 from GET /v1/channels/{id} stands for: the route may not exist on the
 * real hub, so "UNKNOWN" with a sentence saying what to do instead. */
json_t *hubmessage_unknown_status(void);

/* A sentence saying what a channel status means (CREATED, CONNECTED); never NULL. */
const char *hubmessage_status_meaning(const char *text);

/*
 * The error envelope {"error":{"code","message","field"}} as field errors named as in
 * hub_connect / hub_req: {"waba_id": "wabaId must be digits"}. INVALID_CODE is about the
 * authorization code even when no field is named. NULL when no field is concerned.
 */
json_t *hubmessage_field_errors(const json_t *j);

#endif
