/* hydracore.h: what the HydraCore API (hydracore.c) and its challenge and controls
 * (hydracore_verify.c) share. */
#ifndef HD_SB_HYDRACORE_H
#define HD_SB_HYDRACORE_H

#include "sb.h"

/* FastAPI's {"detail": "..."} and its 405. */
enum MHD_Result sb_hc_detail(sb_req *req, unsigned status, const char *detail);
enum MHD_Result sb_hc_method(sb_req *req, const char *allow);

/* The instance id in lower-case 8-4-4-4-12 form (32 bare hex digits are taken too); else
 * false, and errs gets pydantic's uuid_parsing entry. */
bool sb_hc_instance_id(const char *seg, char out[37], json_t *errs);

/* GET /hydracore/webhooks/whatsapp/{instance}: Meta's challenge. */
enum MHD_Result sb_hc_challenge(sb_req *req, const char *seg);

#endif
