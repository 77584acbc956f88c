/* fuzz_sse.c: libFuzzer target: arbitrary bytes into the SSE parser, split at a chosen point,
   and every dispatched event's data into the Keebai decoders. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "keebai_decode.h"
#include "sse_parser.h"

static void on_event(const sse_event *ev, void *arg)
{
    kb_qr q;
    kb_connected c;
    char msg[128];
    keebai_decode_qr(ev->data, ev->data_len, &q);
    keebai_decode_connected(ev->data, ev->data_len, &c);
    keebai_decode_error(ev->data, ev->data_len, msg, sizeof msg);
    keebai_decode_expired(ev->data, ev->data_len, msg, sizeof msg);
    keebai_decode_start(ev->data, ev->data_len, msg, sizeof msg);
    (*(size_t *)arg) += ev->data_len + strlen(ev->type) + strlen(ev->id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t seen = 0;
    if (size == 0)
        return 0;
    size_t split = data[0] % size; /* the first byte picks where the stream is cut */
    sse_parser *p = sse_parser_new(256, on_event, &seen);
    if (!p)
        return 0;
    sse_parser_feed(p, (const char *)data + 1, split > 0 ? split - 1 : 0);
    sse_parser_feed(p, (const char *)data + (split > 0 ? split : 1), size - (split > 0 ? split : 1));
    sse_parser_reset(p);
    sse_parser_feed(p, (const char *)data, size);
    sse_parser_free(p);
    return 0;
}
