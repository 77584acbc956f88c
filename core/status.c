/* status.c: messages, names and exit codes of hd_status. */
#include "status.h"
#include "i18n.h"

#include <ctype.h>
#include <string.h>

static const struct {
    const char *name;
    int exit_code;
    const char *message;
} status_table[] = {
#define HD_STATUS_ROW(name, code, msg) {#name, code, msg},
    HD_STATUS_LIST(HD_STATUS_ROW)
#undef HD_STATUS_ROW
};

const char *hd_status_message(hd_status st)
{
    if ((unsigned)st >= HD_STATUS_COUNT)
        st = HD_ERR_INTERNAL;
    return _(status_table[st].message);
}

const char *hd_status_name(hd_status st)
{
    /* "HD_ERR_RATE_LIMITED" -> "rate_limited", lowered once into a static table. */
    static char names[HD_STATUS_COUNT][32];
    if ((unsigned)st >= HD_STATUS_COUNT)
        st = HD_ERR_INTERNAL;
    if (!names[st][0]) {
        const char *src = status_table[st].name;
        src += strncmp(src, "HD_ERR_", 7) == 0 ? 7 : 3;
        size_t i;
        for (i = 0; src[i] && i < sizeof names[st] - 1; i++)
            names[st][i] = (char)tolower((unsigned char)src[i]);
        names[st][i] = '\0';
    }
    return names[st];
}

int hd_status_exit_code(hd_status st)
{
    if ((unsigned)st >= HD_STATUS_COUNT)
        return 1;
    return status_table[st].exit_code;
}
