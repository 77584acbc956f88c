/* secret.c: guarded copies of secrets; sodium_init here so no caller can forget it. */
#include "secret.h"

#include <sodium.h>
#include <string.h>

char *secret_dup(const char *s)
{
    if (!s || sodium_init() < 0)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = sodium_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void secret_free(char *s)
{
    if (s)
        sodium_free(s);
}
