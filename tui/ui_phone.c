/* ui_phone.c: under a phone field, how the number typed reads and what the hub will get, with
 * the country's ambiguities in warning colours, before anything is sent. */
#include "i18n.h"
#include "phone.h"
#include "ui.h"

#include <stdio.h>

int ui_phone_preview(int y, int x, int w, int maxrows, const char *typed, const char *country,
                     int plus)
{
    phone_number p;
    char shown[48], line[200], warn[700];
    if (!typed || !*typed || maxrows < 1 || phone_parse(typed, country, &p, NULL, 0) != HD_OK)
        return 0; /* nothing yet, or a refusal that Enter explains under the field */
    snprintf(line, sizeof line, _("Reads as %s; the hub gets %s%s."),
             phone_display(&p, shown, sizeof shown), plus ? "+" : "", p.e164);
    int rows = ui_wrap(y, x, w, 1, ROLE_DIM, line);
    if (p.warnings && rows < maxrows)
        rows += ui_wrap(y + rows, x, w, maxrows - rows, ROLE_WARN,
                        phone_warnings_text(p.warnings, warn, sizeof warn));
    return rows;
}
