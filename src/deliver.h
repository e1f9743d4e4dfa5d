/*
 * deliver.h - one delivery attempt of one message to the smarthost.
 *
 * The same path serves the first attempt and (later) queue retries.
 */
#ifndef SENDSMTP_DELIVER_H
#define SENDSMTP_DELIVER_H

#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"

/*
 * Connect to cfg's smarthost, send env + m, QUIT.  Every PENDING
 * recipient ends DONE, TEMPFAIL or PERMFAIL (with code and reply text).
 * Returns the message outcome: OK when every recipient is DONE, PERMFAIL
 * when none is DONE and at least one is PERMFAIL with no TEMPFAIL,
 * TEMPFAIL otherwise; d describes the first failure that decided it.
 */
enum outcome deliver_message(const struct config *cfg, struct envelope *env,
	    struct msg *m, struct diag *d);

#endif /* SENDSMTP_DELIVER_H */
