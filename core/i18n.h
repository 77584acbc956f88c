/* i18n.h: gettext macros shared by core and tui. */
#ifndef HD_I18N_H
#define HD_I18N_H

#include <libintl.h>

#define HD_TEXTDOMAIN "hubdesk"
#define _(s) gettext(s)
/* Marks a string for extraction where it must stay a constant (tables). */
#define N_(s) (s)

#endif
