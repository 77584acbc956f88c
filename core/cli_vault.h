/* cli_vault.h: line-mode `hubdesk vault ...` and `hubdesk profile ...`, and profile tokens. */
#ifndef HD_CLI_VAULT_H
#define HD_CLI_VAULT_H

#include <stddef.h>

#include "profile.h"
#include "vault.h"

/* `hubdesk vault init|list|add NAME|rm NAME|passwd|reset`: argv[0] is "vault". Exit code. */
int cli_vault_main(int argc, char **argv);
/* `hubdesk profile add|list|rm`: argv[0] is "profile". Exit code. */
int cli_profile_main(int argc, char **argv);

/* Profile `name` into *out (release with profile_clear). -1 if found, else prints why (one
   line) and returns the exit code. */
int cli_profile_get(const char *name, profile *out);

/*
 * Loads the profiles, remembers (profile_remember) or forgets (profile_forget) an item of
 * profile `name`, and saves them. 0, 1 when forgetting an id that is not there, or -1 with a
 * sentence in why. The file is left alone on any failure.
 */
int cli_profile_remember(const char *name, const char *list, const char *id,
                         const char *item_name, const char *kind, char *why, size_t whysz);
int cli_profile_forget(const char *name, const char *list, const char *id, char *why,
                       size_t whysz);

/*
 * Unlocks the user's vault once, with the passphrase from `passphrase_fd` /
 * HUBDESK_PASSPHRASE_FILE / the terminal. -1 with *out open (vault_close it), else prints
 * one line on stderr and returns the exit code (3 for a wrong passphrase).
 */
int cli_vault_unlock(int passphrase_fd, vault **out);

#endif
