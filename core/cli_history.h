/* cli_history.h: line-mode `hubdesk history`: the journal of hub changes, as a table or JSON. */
#ifndef HD_CLI_HISTORY_H
#define HD_CLI_HISTORY_H

#include <stdint.h>

/*
 * `hubdesk history [--profile P] [--since YYYY-MM-DD] [--json]`: argv[0] is "history". Lists
 * the journal (journal.h) oldest first, one change a line (local time) or one JSON object a
 * line; damaged lines are skipped and counted in one stderr line. A missing journal is an
 * empty history. Exit code: 0, 2 for usage, 1 when the journal cannot be read.
 */
int cli_history_main(int argc, char **argv);

/* "YYYY-MM-DD" as the unix time of that local midnight into *out. 0, or -1 if it is not a
   real date in that form. */
int cli_history_parse_date(const char *s, int64_t *out);

#endif
