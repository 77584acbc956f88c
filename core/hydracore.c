/* hydracore.c: placeholder until the driver lands (issue 5): the hub is listed, nothing is called. */
#include "provider.h"
#include "i18n.h"

#include <stddef.h>

const provider_ops provider_hydracore = {
    .id = "hydracore",
    .label = "HydraCore",
    .project_word = N_("instance"),
    .default_base_url = NULL,
    .caps = PROVIDER_CAP_CREDENTIALS | PROVIDER_CAP_LOCAL_PROJECTS | PROVIDER_CAP_STATUS |
            PROVIDER_CAP_CHANNEL_DELETE,
};
