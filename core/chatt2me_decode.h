/* chatt2me_decode.h: pure decoders of Chatt2.me's answers into provider.h's normalised JSON;
 * no I/O. Every string they give out is sanitized; every decoder takes the parsed answer and
 * accepts NULL (an answer that was not JSON) as bad input. */
#ifndef HD_CHATT2ME_DECODE_H
#define HD_CHATT2ME_DECODE_H

#include <jansson.h>
#include <stddef.h>

/*
 * A send answer {"messageId","status","errorCode","errorMessage"} as {"message_id","status",
 * "error_code","error_message"}, each only when the hub sent it as a string ("status" is
 * "accepted" when only an id came). NULL when it has neither messageId nor status (the hub
 * said nothing we understand) or on OOM. The caller owns the result.
 */
json_t *chatt2me_decode_sent(const json_t *j);

/*
 * A webhook's 201 {"id",...}: the id, sanitized into `out` (n bytes, n > 0), and returns out;
 * NULL when there is no id string (out is left alone).
 */
const char *chatt2me_decode_hook_id(const json_t *j, char *out, size_t n);

/*
 * The field a refusal {"errorCode","errorMessage"} is about, named as in hub_req ("to",
 * "channel_id", "kind", "url", "events"), for a form to show it there; NULL when the code is
 * about no one field. A static string.
 */
const char *chatt2me_error_field(const json_t *j);

#endif
