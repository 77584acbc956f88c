/* fuzz_text.c: libFuzzer target: arbitrary bytes as a server's JSON text through
   text_json_lossy (same length, no control byte, valid UTF-8 left, and the escapes JSON
   parsers cut at rewritten), and as a Keebai error event, whose message must be clean. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keebai_decode.h"
#include "text.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* What text_json_lossy promises about its output. */
static void check_lossy(const char *in, size_t n)
{
    char *out = text_json_lossy(in, n);
    if (!out)
        return;
    CHECK(strlen(out) == n); /* no NUL inside, nothing added or dropped */
    for (size_t i = 0; i < n; i++) {
        CHECK((unsigned char)out[i] >= 0x20);
        if (out[i] == 0x7F)
            out[i] = '?'; /* DEL is valid JSON text; text_is_clean alone refuses it */
    }
    CHECK(text_is_clean(out));
    CHECK(strstr(out, "\\u0000") == NULL || strstr(out, "\\\\u0000") != NULL);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[300];
    check_lossy((const char *)data, size);
    keebai_decode_error((const char *)data, size, msg, sizeof msg);
    CHECK(text_is_clean(msg));
    keebai_decode_expired((const char *)data, size, msg, sizeof msg);
    CHECK(text_is_clean(msg));
    return 0;
}
