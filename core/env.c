/* env.c: process hardening, secrets from the environment, locale and colour facts. */
#include "env.h"
#include "i18n.h"
#include "secret.h"

#include <langinfo.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

extern char **environ;

char *env_take_secret(const char *name)
{
    size_t nl = strlen(name);
    char *copy = NULL;
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, name, nl) != 0 || (*e)[nl] != '=')
            continue;
        char *val = *e + nl + 1;
        size_t vl = strlen(val);
        if (vl && !copy)
            copy = secret_dup(val);
        /* Wipe in place: the original environment block is what /proc/PID/environ shows. */
        sodium_memzero(val, vl);
    }
    unsetenv(name);
    return copy;
}

int env_harden_process(void)
{
    struct rlimit rl = {0, 0};
    int rc = 0;
    if (sodium_init() < 0)
        rc = -1;
    if (setrlimit(RLIMIT_CORE, &rl) != 0)
        rc = -1;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = -1;
    return rc;
}

int env_locale_is_utf8(void)
{
    return i18n_terminal_utf8();
}

int env_colour_wanted(void)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (nc && *nc)
        return 0;
    return !(term && strcmp(term, "dumb") == 0);
}
