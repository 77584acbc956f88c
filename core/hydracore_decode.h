/* hydracore_decode.h: pure decoders of HydraCore's answers (FastAPI) into provider.h's
 * normalised JSON; no I/O. Every string they give out is sanitized; every decoder takes the
 * parsed answer and accepts NULL (an answer that was not JSON) as bad input. */
#ifndef HD_HYDRACORE_DECODE_H
#define HD_HYDRACORE_DECODE_H

#include <jansson.h>
#include <stddef.h>

#define HC_VERIFY_MAX 128 /* characters in a verify token we send or accept back */

/* "/v1/instances/<instance>/channels/whatsapp"; the instance must already be a checked UUID.
 * -1 if it does not fit. */
int hydracore_path(char *out, size_t n, const char *instance);

/*
 * The channel answer {display_phone, enabled, phone_number_id, status, webhook_url} as
 * provider.h's HydraCore channel: {"id":"whatsapp","name","type":"whatsapp","phone","active",
 * "phone_number_id","display_phone","enabled","status","webhook_url"} (missing or null
 * strings become ""). NULL if it is not an object holding a status or phone_number_id.
 */
json_t *hydracore_decode_channel(const json_t *j);

/* The channel plus {"code":0,"text":status,"meaning":sentence}. NULL as above. */
json_t *hydracore_decode_status(const json_t *j);

/* A sentence saying what a channel status means ("pending_verification"...); never NULL. */
const char *hydracore_status_meaning(const char *status);

/*
 * The setup answer: the channel plus "verify_token" and "verify_token_source". We sent
 * `sent` (NULL or "" = none): when the hub hands back a different usable one it is the one
 * Meta must get ("hub"); the one we sent, echoed or not, is "sent"; with neither, "" and
 * "unknown" (the hub made one and kept it to itself). NULL as above.
 */
json_t *hydracore_decode_setup(const json_t *j, const char *sent);

/* 1 if a verify token may be sent or shown: 1..HC_VERIFY_MAX visible ASCII (Meta puts it in
 * a URL's query; spaces or controls there only break the challenge). */
int hydracore_verify_token_ok(const char *t);

/* FastAPI's 422 detail list as field errors named as in hub_connect; the path's
 * "instance_id" is named "instance", as the checks before sending name it. NULL if none. */
json_t *hydracore_field_errors(const json_t *j);

/* A 404 from the channel routes: 1 when it says the instance does not exist ("Instance not
 * found"), 0 when it means the instance has no WhatsApp channel (any other 404). */
int hydracore_instance_missing(const json_t *j);

#endif
