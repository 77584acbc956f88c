/* fuzz_check.h: what the decoder fuzz targets share: an abort() that libFuzzer reports as a
   crash, a check that every string in a decoded value is safe to draw, and the input as a C
   string. Header only: each target is compiled alone with the whole core. */
#ifndef HD_FUZZ_CHECK_H
#define HD_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* Every key and every string in v (any depth) is valid UTF-8 without control characters. NULL
   is fine. */
static inline void fuzz_check_clean(const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;
    if (json_is_string(v))
        CHECK(text_is_clean(json_string_value(v)));
    json_object_foreach((json_t *)v, key, item)
    {
        CHECK(text_is_clean(key));
        fuzz_check_clean(item);
    }
    json_array_foreach(v, i, item) fuzz_check_clean(item);
}

/* 1 if o (an object) has only keys from the NULL-terminated list. */
static inline int fuzz_keys_within(const json_t *o, const char *const *allowed)
{
    const char *key;
    json_t *item;
    json_object_foreach((json_t *)o, key, item)
    {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key))
            a++;
        if (!*a)
            return 0;
    }
    return 1;
}

/* The member as a string, aborting when it is absent or of another type. */
static inline const char *fuzz_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    CHECK(s != NULL);
    return s;
}

/* The input as a malloc'd C string (cut at its first NUL by whoever reads it); NULL on OOM. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

#endif
