/* status.h: every failure hubdesk reports, with its message and exit code. */
#ifndef HD_STATUS_H
#define HD_STATUS_H

/* X(name, exit code for line mode, message shown to the user) */
#define HD_STATUS_LIST(X)                                                                         \
    X(HD_OK, 0, N_("done"))                                                                       \
    X(HD_ERR_USAGE, 2, N_("wrong usage"))                                                         \
    X(HD_ERR_AUTH, 3, N_("the hub refused the token (check the profile's token)"))                \
    X(HD_ERR_FORBIDDEN, 3, N_("the token lacks the permission for this action"))                  \
    X(HD_ERR_EXPIRED, 4, N_("the pairing expired before the phone scanned it"))                   \
    X(HD_ERR_CANCELLED, 4, N_("the pairing was cancelled"))                                       \
    X(HD_ERR_NETWORK, 5, N_("could not reach the hub (network)"))                                 \
    X(HD_ERR_TIMEOUT, 5, N_("the hub did not answer in time"))                                    \
    X(HD_ERR_SERVER, 5, N_("the hub failed (server error)"))                                      \
    X(HD_ERR_RATE_LIMITED, 5, N_("the hub is rate limiting us"))                                  \
    X(HD_ERR_STREAM, 5, N_("the pairing stream kept dropping"))                                   \
    X(HD_ERR_TOO_LARGE, 5, N_("the hub's answer was too large"))                                  \
    X(HD_ERR_PROTOCOL, 1, N_("the hub's answer was not understood"))                              \
    X(HD_ERR_INSECURE_URL, 2, N_("plain http:// is only allowed to this machine; use https://"))  \
    X(HD_ERR_BAD_URL, 2, N_("the URL is not valid"))                                              \
    X(HD_ERR_NOT_FOUND, 1, N_("the hub does not know this resource"))                             \
    X(HD_ERR_REJECTED, 1, N_("the hub rejected the request"))                                     \
    X(HD_ERR_INTERNAL, 1, N_("internal error"))

typedef enum {
#define HD_STATUS_ENUM(name, code, msg) name,
    HD_STATUS_LIST(HD_STATUS_ENUM)
#undef HD_STATUS_ENUM
        HD_STATUS_COUNT
} hd_status;

/* Translated, human message for a status. Never NULL. */
const char *hd_status_message(hd_status st);
/* Stable machine name ("HD_ERR_AUTH" -> "auth"), for --json output. */
const char *hd_status_name(hd_status st);
/* Line-mode exit code for a status (0, 1, 2, 3, 4 or 5). */
int hd_status_exit_code(hd_status st);

#endif
